"""The exception raised for failures reported by the offregion library."""


class OffregionError(Exception):
    """A call into the offregion library failed.

    Attributes:
        status: the ``offregion_status`` code (an int, e.g. 2 for
            ``OFFREGION_NOT_FOUND``); see the ``STATUS_*`` constants.
        status_name: the library's name of the status ("not_found", ...).
        message: the library's message (without the status name).
    """

    def __init__(self, status, status_name, message):
        super().__init__(f"{message} ({status_name})" if message
                         else status_name)
        self.status = status
        self.status_name = status_name
        self.message = message
