"""offregion: flags stolen cloud credentials in AWS CloudTrail logs.

Python bindings of the offregion C library (liboffregion.so), on ctypes.

    import offregion

    with offregion.Detector(activation_days=0) as detector:
        for verdict in detector.judge_many(
                offregion.read_records("trail.json.gz")):
            if verdict.outcome == "alert":
                print(verdict.to_json())

See Detector, Verdict, read_records and OffregionError. The library is
found through OFFREGION_LIBRARY, next to this package, or in a build/lib
folder above it (see offregion._lib).
"""

from ._errors import OffregionError
from ._lib import (STATUS_CALLBACK_FAILED, STATUS_DATA_LOSS,
                   STATUS_FAILED_PRECONDITION, STATUS_INTERNAL,
                   STATUS_INVALID_ARGUMENT, STATUS_NOT_FOUND, STATUS_OK,
                   STATUS_PERMISSION_DENIED, STATUS_RESOURCE_EXHAUSTED,
                   STATUS_UNKNOWN, lib as _c)
from ._lib import PATH as library_path
from ._detector import Detector
from ._reader import RecordError, RecordReader, read_records
from ._verdict import (OUTCOMES, SEVERITIES, VARIATIONS, Origin, Verdict,
                       invalid_verdict)

__version__ = _c.offregion_version_string().decode("ascii")
version_number = _c.offregion_version_number()

__all__ = [
    "Detector", "Verdict", "Origin", "OffregionError", "RecordError",
    "RecordReader", "read_records", "invalid_verdict", "OUTCOMES",
    "SEVERITIES", "VARIATIONS", "STATUS_OK", "STATUS_INVALID_ARGUMENT",
    "STATUS_NOT_FOUND", "STATUS_DATA_LOSS", "STATUS_FAILED_PRECONDITION",
    "STATUS_RESOURCE_EXHAUSTED", "STATUS_PERMISSION_DENIED",
    "STATUS_INTERNAL", "STATUS_UNKNOWN", "STATUS_CALLBACK_FAILED",
    "library_path", "version_number", "__version__",
]
