"""Reading CloudTrail records from files through the library's reader."""

import os
from ctypes import POINTER, byref, c_char, c_char_p, c_size_t, c_void_p

from ._errors import OffregionError
from ._lib import check, lib, status_name, take_error
from ._verdict import invalid_verdict

_next = lib.offregion_reader_next


class RecordError(Exception):
    """A record the reader could not cut out of its file (broken JSON, a
    line over the size limit). It is yielded by RecordReader, not raised,
    so that the stream goes on; Detector.judge and judge_many turn it into
    the `invalid` verdict the CLI gives it.

    Attributes:
        message: the reader's message, naming file and line
            ("FILE:2: not valid JSON: ...").
        raw_message: the same as bytes, exactly as the library gave it.
    """

    def __init__(self, raw_message):
        self.raw_message = bytes(raw_message)
        self.message = self.raw_message.decode("utf-8", "replace")
        super().__init__(self.message)

    def verdict(self):
        """Returns the `invalid` verdict for this record."""
        return invalid_verdict(self.raw_message)


class RecordReader:
    """Iterates over the records of one file, in order.

    Every shape the CLI reads is read: S3 delivery files, JSON arrays, JSON
    Lines, ``aws cloudtrail lookup-events`` output, gzip or not; "-" is
    standard input. Each item is the record's JSON as bytes, or a
    RecordError for a record that could not be cut out.

    When the input ends early (a truncated gzip stream) iteration stops
    after the records read before the break and ``error`` holds an
    OffregionError saying why; it is None after a complete read.
    Opening a file that cannot be read raises OffregionError at once.
    """

    def __init__(self, path):
        self.path = path
        self.error = None
        encoded = b"-" if path == "-" else os.fsencode(path)
        handle = c_void_p()
        err = c_void_p()
        check(lib.offregion_reader_open(encoded, len(encoded), byref(handle),
                                        byref(err)), err)
        self._handle = handle
        self._json = POINTER(c_char)()  # sliced: the fastest copy
        self._len = c_size_t()
        self._message = c_char_p()
        self._args = (handle, byref(self._json), byref(self._len),
                      byref(self._message))

    def __iter__(self):
        return self

    def __next__(self):
        if not self._handle:
            raise StopIteration
        if not _next(*self._args):
            self._finish()
            raise StopIteration
        if self._json:
            return self._json[:self._len.value]
        if self._message.value is not None:
            return RecordError(self._message.value)
        return b""

    def _finish(self):
        err = c_void_p()
        status = lib.offregion_reader_status(self._handle, byref(err))
        if status:
            self.error = OffregionError(status, status_name(status),
                                        take_error(err))
        self.close()

    def close(self):
        """Closes the file; further iteration yields nothing. Idempotent."""
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            lib.offregion_reader_destroy(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing left to free
            pass


def read_records(path):
    """Returns a RecordReader over the records of the file at `path`.

    >>> for record in read_records("trail.json.gz"):
    ...     verdict = detector.judge(record)   # bytes or RecordError
    """
    return RecordReader(path)
