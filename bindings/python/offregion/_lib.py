"""Loads liboffregion and declares the C ABI (include/offregion/offregion.h).

Where the library is looked for, first hit wins:

1. the path in the environment variable ``OFFREGION_LIBRARY`` (when set,
   nothing else is tried);
2. next to this package: ``offregion/liboffregion.so*`` (an installed
   package carries its own copy);
3. ``build/lib/liboffregion.so*`` in this directory or any directory above
   it (a source checkout after ``cmake --build build``).
"""

import ctypes
import glob
import os
from ctypes import (CFUNCTYPE, POINTER, c_char, c_char_p, c_int, c_int64,
                    c_size_t, c_uint8, c_uint32, c_uint64, c_void_p)

from ._errors import OffregionError

# Status codes of offregion.h; fixed, never renumbered.
STATUS_OK = 0
STATUS_INVALID_ARGUMENT = 1
STATUS_NOT_FOUND = 2
STATUS_DATA_LOSS = 3
STATUS_FAILED_PRECONDITION = 4
STATUS_RESOURCE_EXHAUSTED = 5
STATUS_PERMISSION_DENIED = 6
STATUS_INTERNAL = 7
STATUS_UNKNOWN = 8
STATUS_CALLBACK_FAILED = 9

_NAMES = ("liboffregion.so.0", "liboffregion.so")

# uint8_t (*)(void* state, const char* account, size_t account_len,
#             const char* compute_id, size_t compute_id_len, char* region,
#             size_t region_capacity, size_t* region_len)
INVENTORY_FN = CFUNCTYPE(c_uint8, c_void_p, c_void_p, c_size_t, c_void_p,
                         c_size_t, c_void_p, c_size_t, POINTER(c_size_t))
# int (*)(void* state, const char* address, size_t address_len,
#         offregion_geo_answer_t* answer)
GEO_FN = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t, c_void_p)
# void (*)(void* state)
DESTRUCTOR_FN = CFUNCTYPE(None, c_void_p)

_ERR = POINTER(c_void_p)  # char** errptr
_OUT = POINTER(c_void_p)  # T** out-pointers

# name: (restype, argtypes)
_PROTOTYPES = {
    "offregion_status_string": (c_char_p, [c_int]),
    "offregion_version_string": (c_char_p, []),
    "offregion_version_number": (c_uint32, []),
    "offregion_free": (None, [c_void_p]),
    "offregion_outcome_name": (c_char_p, [c_int]),
    "offregion_severity_name": (c_char_p, [c_int]),
    "offregion_variation_name": (c_char_p, [c_int]),
    "offregion_options_create": (c_void_p, []),
    "offregion_options_destroy": (None, [c_void_p]),
    "offregion_options_set_activation_seconds": (c_int,
                                                 [c_void_p, c_int64, _ERR]),
    "offregion_options_set_training_seconds": (c_int,
                                               [c_void_p, c_int64, _ERR]),
    "offregion_options_set_dedup_seconds": (c_int, [c_void_p, c_int64, _ERR]),
    "offregion_options_set_severity": (
        c_int, [c_void_p, c_char_p, c_size_t, c_char_p, c_size_t, _ERR]),
    "offregion_options_set_aws_ranges_file": (
        c_int, [c_void_p, c_char_p, c_size_t, _ERR]),
    "offregion_options_add_geo_table_file": (
        c_int, [c_void_p, c_char_p, c_size_t, _ERR]),
    "offregion_options_add_mmdb_file": (
        c_int, [c_void_p, c_char_p, c_size_t, _ERR]),
    "offregion_options_set_use_default_geo": (None, [c_void_p, c_uint8]),
    "offregion_options_set_geo_cache_entries": (None, [c_void_p, c_uint64]),
    "offregion_options_set_limit": (c_int, [c_void_p, c_int, c_uint64, _ERR]),
    "offregion_options_set_inventory_file": (
        c_int, [c_void_p, c_char_p, c_size_t, _ERR]),
    "offregion_options_set_inventory_callback": (
        None, [c_void_p, c_void_p, INVENTORY_FN, DESTRUCTOR_FN]),
    "offregion_geo_answer_set_country": (None,
                                         [c_void_p, c_char_p, c_size_t]),
    "offregion_geo_answer_set_asn": (None, [c_void_p, c_uint32]),
    "offregion_geo_answer_set_as_org": (None, [c_void_p, c_char_p, c_size_t]),
    "offregion_options_add_geo_callback": (
        None, [c_void_p, c_void_p, GEO_FN, DESTRUCTOR_FN]),
    "offregion_detector_create": (c_int, [c_void_p, _OUT, _ERR]),
    "offregion_detector_destroy": (None, [c_void_p]),
    "offregion_detector_geo_cache_stats": (
        None, [c_void_p, POINTER(c_uint64), POINTER(c_uint64)]),
    "offregion_detector_stat": (c_uint64, [c_void_p, c_int]),
    "offregion_detector_save": (c_int, [c_void_p, c_char_p, c_size_t, _ERR]),
    "offregion_detector_load": (c_int, [c_void_p, c_char_p, c_size_t, _ERR]),
    "offregion_judge": (c_int, [c_void_p, c_char_p, c_size_t, _OUT, _ERR]),
    "offregion_judge_batch": (
        c_int, [c_void_p, c_char_p, POINTER(c_size_t), c_size_t, _OUT, _ERR]),
    "offregion_verdicts_count": (c_size_t, [c_void_p]),
    "offregion_verdicts_get": (c_void_p, [c_void_p, c_size_t]),
    "offregion_verdicts_json": (c_void_p, [c_void_p, POINTER(c_size_t)]),
    "offregion_verdicts_destroy": (None, [c_void_p]),
    "offregion_verdict_destroy": (None, [c_void_p]),
    "offregion_verdict_outcome": (c_int, [c_void_p]),
    "offregion_verdict_json": (c_void_p, [c_void_p, POINTER(c_size_t)]),
    "offregion_reader_open": (c_int, [c_char_p, c_size_t, _OUT, _ERR]),
    "offregion_reader_next": (
        c_uint8, [c_void_p, POINTER(POINTER(c_char)), POINTER(c_size_t),
                  POINTER(c_char_p)]),
    "offregion_reader_status": (c_int, [c_void_p, _ERR]),
    "offregion_reader_destroy": (None, [c_void_p]),
}


# Functions newer than the first release of the ABI: a library without them
# still loads, and the methods that need them raise OffregionError.
OPTIONAL = frozenset(("offregion_detector_stat", "offregion_detector_save",
                      "offregion_detector_load"))


def candidates(package_dir=None):
    """Returns the paths tried for the library, in order (see the module)."""
    env = os.environ.get("OFFREGION_LIBRARY")
    if env:
        return [env]
    here = package_dir or os.path.dirname(os.path.abspath(__file__))
    paths = [os.path.join(here, name) for name in _NAMES]
    paths += sorted(set(glob.glob(os.path.join(here, "liboffregion.so*")))
                    - set(paths))
    folder = os.path.dirname(here)
    while True:
        paths += [os.path.join(folder, "build", "lib", name)
                  for name in _NAMES]
        parent = os.path.dirname(folder)
        if parent == folder:
            return paths
        folder = parent


def _load():
    tried = []
    for path in candidates():
        if not os.path.exists(path):
            tried.append(f"  {path}: not there")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as error:
            tried.append(f"  {path}: {error}")
    raise ImportError(
        "offregion: cannot load the shared library liboffregion.so; set "
        "OFFREGION_LIBRARY to its path, install the package from a build "
        "that has it, or build it (cmake --build build --target "
        "offregion_shared). Looked at:\n" + "\n".join(tried))


def _declare(library):
    for name, (restype, argtypes) in _PROTOTYPES.items():
        try:
            function = getattr(library, name)
        except AttributeError:
            if name in OPTIONAL:
                continue
            raise ImportError(f"offregion: {PATH} lacks {name}; the library "
                              "is older than this package") from None
        function.restype = restype
        function.argtypes = argtypes


lib, PATH = _load()
_declare(lib)


def has(name):
    """Whether the loaded library has the C function `name`."""
    return hasattr(lib, name)


def status_name(status):
    """Returns the library's name of a status code ("not_found", ...)."""
    return lib.offregion_status_string(status).decode("ascii", "replace")


def take_error(err):
    """Returns the message in the c_void_p `err` and frees it (may be "")."""
    if not err.value:
        return ""
    try:
        return ctypes.string_at(err.value).decode("utf-8", "replace")
    finally:
        lib.offregion_free(err)
        err.value = None


def check(status, err):
    """Raises OffregionError unless `status` is OK; frees `err` either way."""
    if status == STATUS_OK:
        take_error(err)
        return
    raise OffregionError(status, status_name(status), take_error(err))
