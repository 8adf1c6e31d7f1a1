"""The Detector: options in, verdicts out."""

import contextlib
import ctypes
import json
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from ctypes import byref, c_size_t, c_uint64, c_void_p
from itertools import islice

from . import _lib
from ._errors import OffregionError
from ._lib import GEO_FN, INVENTORY_FN, check, lib
from ._reader import RecordError
from ._verdict import verdict_from_line

_SECONDS_PER_DAY = 86400
_NO_DESTRUCTOR = _lib.DESTRUCTOR_FN()  # NULL: the state is None


def _seconds(days, name):
    try:
        seconds = float(days) * _SECONDS_PER_DAY
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number of days, not "
                        f"{days!r}") from None
    if not math.isfinite(seconds):
        raise ValueError(f"{name} must be finite, not {days!r}")
    return round(seconds)


def _paths(value):
    if value is None:
        return ()
    if isinstance(value, (str, bytes, os.PathLike)):
        return (value,)
    return tuple(value)


def _encode_path(path):
    return os.fsencode(path)


def _record_bytes(record):
    if isinstance(record, bytes):
        return record
    if isinstance(record, str):
        return record.encode("utf-8", "surrogatepass")
    if isinstance(record, dict):
        return json.dumps(record).encode("utf-8", "surrogatepass")
    if isinstance(record, (bytearray, memoryview)):
        return bytes(record)
    raise TypeError("a record is a dict, str or bytes, not "
                    f"{type(record).__name__}")


class Detector:
    """Judges CloudTrail records and returns Verdicts.

    Every option has the default of the specification; days may be
    fractional. Reference files are read when the detector is created, and
    OffregionError (with ``.status``) says why one could not be.

    Args:
        activation_days: no alert until the observed event time spans this.
        training_days: countries and ASNs are remembered this long.
        dedup_days: repeats of an alert key are suppressed this long.
        aws_ranges: path of an AWS ip-ranges.json; None: the shipped one.
        geo_tables: paths of CSV geo tables (network,country,asn,as_org),
            asked first, in order.
        mmdb: paths of MaxMind databases, asked next, in order.
        inventory: path of a CSV inventory (compute_id,region[,account]).
        use_default_geo: whether libloc is asked last.
        severities: {variation: severity}, e.g. {"outside_region": "high"}.
        geo_cache_entries: size of the geo cache (0 turns it off); None
            keeps the default.
        inventory_lookup: callable(account, compute_id) returning the
            region the resource runs in, or None. Replaces `inventory`; give
            one of the two.
        geo_lookup: callable(address) returning None (no data), a dict with
            any of "country", "asn", "as_org", or a tuple (country, asn,
            as_org). Asked after the geo tables and MaxMind databases,
            before libloc.

    Callbacks run on the judging thread, with the GIL. An exception raised
    inside one never crosses into the library: the lookup counts as failed
    (no home region; no geo data from that source) and the exception is
    appended to ``callback_errors``, a list the caller may inspect and
    clear. KeyboardInterrupt and SystemExit are re-raised when the judging
    call returns.

    A detector may be shared by threads (the library locks its state).
    Use it as a context manager, or call close(), to free it at once.
    """

    def __init__(self, activation_days=14, training_days=30, dedup_days=5,
                 aws_ranges=None, geo_tables=(), mmdb=(), inventory=None,
                 use_default_geo=True, severities=None,
                 geo_cache_entries=None, inventory_lookup=None,
                 geo_lookup=None, limits=None):
        self._handle = None
        self._lock = threading.Lock()
        self._local = threading.local()  # marks a thread inside a C call
        self.callback_errors = []
        self._callbacks = []  # ctypes thunks, alive as long as the handle
        if inventory is not None and inventory_lookup is not None:
            raise ValueError("give inventory or inventory_lookup, not both")
        options = lib.offregion_options_create()
        if not options:
            raise MemoryError("offregion_options_create failed")
        try:
            self._configure(options, activation_days, training_days,
                            dedup_days, aws_ranges, geo_tables, mmdb,
                            inventory, use_default_geo, severities,
                            geo_cache_entries, inventory_lookup, geo_lookup)
            self._set_limits(options, limits or {})
            handle = c_void_p()
            err = c_void_p()
            check(lib.offregion_detector_create(options, byref(handle),
                                                byref(err)), err)
            self._handle = handle
        finally:
            lib.offregion_options_destroy(options)

    def _configure(self, options, activation_days, training_days, dedup_days,
                   aws_ranges, geo_tables, mmdb, inventory, use_default_geo,
                   severities, geo_cache_entries, inventory_lookup,
                   geo_lookup):
        err = c_void_p()
        for setter, days, name in (
                (lib.offregion_options_set_activation_seconds,
                 activation_days, "activation_days"),
                (lib.offregion_options_set_training_seconds, training_days,
                 "training_days"),
                (lib.offregion_options_set_dedup_seconds, dedup_days,
                 "dedup_days")):
            check(setter(options, _seconds(days, name), byref(err)), err)
        for variation, severity in (severities or {}).items():
            v = str(variation).encode()
            s = str(severity).encode()
            check(lib.offregion_options_set_severity(
                options, v, len(v), s, len(s), byref(err)), err)
        for setter, paths in (
                (lib.offregion_options_set_aws_ranges_file,
                 _paths(aws_ranges)),
                (lib.offregion_options_add_geo_table_file,
                 _paths(geo_tables)),
                (lib.offregion_options_add_mmdb_file, _paths(mmdb)),
                (lib.offregion_options_set_inventory_file,
                 _paths(inventory))):
            for path in paths:
                encoded = _encode_path(path)
                check(setter(options, encoded, len(encoded), byref(err)),
                      err)
        lib.offregion_options_set_use_default_geo(options,
                                                  1 if use_default_geo else 0)
        if geo_cache_entries is not None:
            if geo_cache_entries < 0:
                raise ValueError("geo_cache_entries must be at least 0")
            lib.offregion_options_set_geo_cache_entries(
                options, int(geo_cache_entries))
        if inventory_lookup is not None:
            thunk = INVENTORY_FN(self._inventory_thunk(inventory_lookup))
            self._callbacks.append(thunk)
            lib.offregion_options_set_inventory_callback(
                options, None, thunk, _NO_DESTRUCTOR)
        if geo_lookup is not None:
            thunk = GEO_FN(self._geo_thunk(geo_lookup))
            self._callbacks.append(thunk)
            lib.offregion_options_add_geo_callback(options, None, thunk,
                                                   _NO_DESTRUCTOR)

    _LIMITS = {"identities": 0, "entries_per_identity": 1,
               "dedup_entries": 2, "sessions": 3}

    def _set_limits(self, options, limits):
        """Sets the bounds on memory: a dict of identities,
        entries_per_identity, dedup_entries and sessions to counts."""
        err = c_void_p()
        for name, value in dict(limits).items():
            if name not in self._LIMITS:
                raise ValueError(f"unknown limit {name!r}; known: "
                                 f"{', '.join(sorted(self._LIMITS))}")
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not 1 <= value < 2 ** 63:
                raise ValueError(f"limit {name} must be a whole number of "
                                 "at least 1")
            check(lib.offregion_options_set_limit(
                options, self._LIMITS[name], value, byref(err)), err)

    @contextlib.contextmanager
    def _calling(self):
        """Holds the lock for one C call, refusing calls made from inside a
        callback of this detector (they would deadlock)."""
        if getattr(self._local, "busy", False):
            raise RuntimeError("offregion: a detector cannot be used from "
                               "inside one of its own callbacks")
        with self._lock:
            self._local.busy = True
            try:
                yield
            finally:
                self._local.busy = False

    # -- callbacks --------------------------------------------------------

    def _inventory_thunk(self, lookup):
        errors = self.callback_errors

        def call(state, account, account_len, compute_id, compute_id_len,
                 region, capacity, region_len):
            try:
                answer = lookup(_text(account, account_len),
                                _text(compute_id, compute_id_len))
                if answer is None or answer == "":
                    return 0
                if not isinstance(answer, str):
                    raise TypeError("inventory_lookup must return a str or "
                                    f"None, not {type(answer).__name__}")
                data = answer.encode("utf-8")
                if len(data) > capacity:
                    raise ValueError(f"region {answer[:40]!r}... is longer "
                                     f"than {capacity} bytes")
                ctypes.memmove(region, data, len(data))
                region_len[0] = len(data)
                return 1
            except BaseException as error:  # never cross into C
                errors.append(error)
                return 0
        return call

    def _geo_thunk(self, lookup):
        errors = self.callback_errors

        def call(state, address, address_len, answer):
            try:
                found = lookup(_text(address, address_len))
                if found is None:
                    return 0
                if isinstance(found, dict):
                    country = found.get("country") or ""
                    asn = found.get("asn") or 0
                    as_org = found.get("as_org") or ""
                else:
                    country, asn, as_org = (tuple(found) + ("", 0, ""))[:3]
                    country, asn, as_org = country or "", asn or 0, \
                        as_org or ""
                if not isinstance(country, str) or \
                        not isinstance(as_org, str) or \
                        isinstance(asn, bool) or not isinstance(asn, int) or \
                        not 0 <= asn < 2 ** 32:
                    raise TypeError("geo_lookup must answer country (str), "
                                    "asn (int, 0..2**32-1) and as_org (str), "
                                    f"not {found!r}")
                if country:
                    data = country.encode("utf-8")
                    lib.offregion_geo_answer_set_country(answer, data,
                                                         len(data))
                if asn:
                    lib.offregion_geo_answer_set_asn(answer, asn)
                if as_org:
                    data = as_org.encode("utf-8")
                    lib.offregion_geo_answer_set_as_org(answer, data,
                                                        len(data))
                return 0
            except BaseException as error:  # never cross into C
                errors.append(error)
                return 1
        return call

    def _reraise_interrupts(self):
        for error in self.callback_errors:
            if not isinstance(error, Exception):
                self.callback_errors.remove(error)
                raise error

    # -- judging ----------------------------------------------------------

    def _live(self):
        handle = self._handle
        if handle is None:
            raise ValueError("offregion: the detector is closed")
        return handle

    def judge(self, record):
        """Judges one record and returns its Verdict.

        `record` is a dict (serialised with json.dumps), the record's JSON as
        str or bytes, or a RecordError from read_records (which gives the
        `invalid` verdict the CLI gives it). A record that cannot be read is
        not an error: its verdict's outcome is "invalid".
        """
        if isinstance(record, RecordError):
            self._live()
            return record.verdict()
        data = _record_bytes(record)
        verdict = c_void_p()
        err = c_void_p()
        with self._calling():  # close() waits for a call in flight
            status = lib.offregion_judge(self._live(), data, len(data),
                                         byref(verdict), byref(err))
        check(status, err)
        text = _take_json(verdict, lib.offregion_verdict_json,
                          lib.offregion_verdict_destroy)
        if self.callback_errors:
            self._reraise_interrupts()
        return verdict_from_line(text.decode("utf-8"))

    def judge_many(self, records, batch_size=4096, prefetch=True):
        """Judges records in order; a generator of their Verdicts, in order.

        `records` is any iterable of what judge() takes (bytes are the fast
        path). Records are sent to the library `batch_size` at a time, in
        one offregion_judge_batch call each, so a verdict is yielded once
        its whole batch is judged. With `prefetch` (the default) a helper
        thread judges the next batch while this one is being consumed
        (ctypes lets go of the GIL during the call): the detector's state
        may then run up to two batches ahead of the verdicts yielded.
        Use ``list(d.judge_many(...))`` for a list.
        """
        for lines, errors in self._batches(records, batch_size, prefetch):
            if errors is None:
                yield from map(verdict_from_line, lines)
            else:
                for line, error in zip(lines, errors):
                    yield (error.verdict() if error is not None else
                           verdict_from_line(line))

    def judge_many_json(self, records, batch_size=4096, prefetch=True):
        """Like judge_many, but yields each verdict's JSON line (str, no
        newline) exactly as the library wrote it, without parsing it."""
        for lines, errors in self._batches(records, batch_size, prefetch):
            if errors is None:
                yield from lines
            else:
                for line, error in zip(lines, errors):
                    yield error.verdict().json_text if error is not None \
                        else line

    def _batches(self, records, batch_size, prefetch):
        """Yields (lines, errors) per batch: see _judge_chunk."""
        if not callable(batch_size) and batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if getattr(self._local, "busy", False):
            raise RuntimeError("offregion: a detector cannot be used from "
                               "inside one of its own callbacks")
        self._live()
        chunks = _chunks(records, batch_size)
        if not prefetch:
            for chunk in chunks:
                yield self._judge_chunk(chunk)
            return
        pool = ThreadPoolExecutor(1, thread_name_prefix="offregion")
        try:
            pending = None
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    break
                except BaseException:
                    # The input failed: what was judged ahead is delivered
                    # before the error, as without prefetch.
                    if pending is not None:
                        done, pending = pending, None
                        yield done.result()
                    raise
                submitted = pool.submit(self._judge_chunk, chunk)
                if pending is not None:
                    yield pending.result()
                pending = submitted
            if pending is not None:
                yield pending.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _judge_chunk(self, chunk):
        """Judges a list of records in one call. Returns (lines, errors):
        one verdict JSON line (str) per record, and None, or a list holding
        the RecordError where one stood in `chunk` (its line is then "")
        and None elsewhere."""
        try:
            data = b"".join(chunk)  # the fast path: all bytes
            lengths = (c_size_t * len(chunk))(*map(len, chunk))
            if len(data) == sum(lengths):
                return self._judge_batch(data, lengths, len(chunk)), None
        except TypeError:
            pass
        records = []
        errors = [None] * len(chunk)
        for i, record in enumerate(chunk):
            if isinstance(record, RecordError):
                errors[i] = record
            else:
                records.append(_record_bytes(record))
        lines = []
        if records:
            lengths = (c_size_t * len(records))(*map(len, records))
            lines = self._judge_batch(b"".join(records), lengths,
                                      len(records))
        if not any(errors):
            return lines, None
        it = iter(lines)
        return [next(it) if error is None else "" for error in errors], errors

    def _judge_batch(self, data, lengths, count):
        verdicts = c_void_p()
        err = c_void_p()
        with self._calling():  # close() waits for a batch in flight
            status = lib.offregion_judge_batch(self._live(), data, lengths,
                                               count, byref(verdicts),
                                               byref(err))
        check(status, err)
        text = _take_json(verdicts, lib.offregion_verdicts_json,
                          lib.offregion_verdicts_destroy)
        if self.callback_errors:
            self._reraise_interrupts()
        lines = text.decode("utf-8").split("\n")
        lines.pop()  # after the last "\n"
        if len(lines) != count:
            raise RuntimeError(f"offregion: {count} records but "
                               f"{len(lines)} verdict lines")
        return lines

    # -- the rest ---------------------------------------------------------

    def geo_cache_stats(self):
        """Returns the geo cache's (hits, misses)."""
        hits = c_uint64()
        misses = c_uint64()
        with self._calling():
            lib.offregion_detector_geo_cache_stats(self._live(), byref(hits),
                                                   byref(misses))
        return hits.value, misses.value

    STATS = ("identities", "dedup_entries", "tracked_sessions",
             "learned_computes", "evicted_profile_entries",
             "evicted_dedup_entries", "evicted_sessions", "evicted_learned")

    def stats(self):
        """Returns the state's counters as a dict, with the names of STATS
        (offregion_stat: profiles held, alert keys held, ...)."""
        _require("offregion_detector_stat")
        with self._calling():
            handle = self._live()
            return {name: lib.offregion_detector_stat(handle, i)
                    for i, name in enumerate(self.STATS)}

    def save(self, path):
        """Writes the detector's whole state to the file at `path`,
        atomically. Raises OffregionError naming the file."""
        _require("offregion_detector_save")
        encoded = _encode_path(path)
        err = c_void_p()
        with self._calling():
            status = lib.offregion_detector_save(self._live(), encoded,
                                                 len(encoded), byref(err))
        check(status, err)

    def load(self, path):
        """Loads the snapshot at `path` into a detector that has judged
        nothing yet. Raises OffregionError: status STATUS_NOT_FOUND when
        there is no file, STATUS_DATA_LOSS for a corrupt one,
        STATUS_FAILED_PRECONDITION for another format or a detector in
        use."""
        _require("offregion_detector_load")
        encoded = _encode_path(path)
        err = c_void_p()
        with self._calling():
            status = lib.offregion_detector_load(self._live(), encoded,
                                                 len(encoded), byref(err))
        check(status, err)

    @property
    def closed(self):
        """True once close() was called."""
        return self._handle is None

    def close(self):
        """Frees the detector. Idempotent; later calls raise ValueError.

        No other thread may be judging with it at the time.
        """
        with self._calling():
            handle, self._handle = self._handle, None
        if handle is not None:
            lib.offregion_detector_destroy(handle)
        self._callbacks = []

    def __enter__(self):
        self._live()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: nothing left to free
            pass


def _take_json(handle, lend, destroy):
    """Returns the JSON bytes that `lend` lends from `handle`, then frees
    the handle with `destroy`."""
    try:
        length = c_size_t()
        pointer = lend(handle, byref(length))
        return ctypes.string_at(pointer, length.value)
    finally:
        destroy(handle)


def _chunks(records, size):
    """Yields lists of the next `size` items of `records`; `size` is an int
    or a callable returning the size of the next list. When `records`
    raises, the items read before the error come first as a last list."""
    it = iter(records)
    while True:
        chunk = []
        try:
            chunk.extend(islice(it, size() if callable(size) else size))
        except BaseException:
            # islice has kept what it read before the error in `chunk`.
            if chunk:
                yield chunk
            raise
        if not chunk:
            return
        yield chunk


def _require(name):
    if not _lib.has(name):
        raise OffregionError(_lib.STATUS_UNKNOWN, "unknown",
                             f"{_lib.PATH} lacks {name}: the library is "
                             "older than this package")


def _text(pointer, length):
    if not length:
        return ""
    return ctypes.string_at(pointer, length).decode("utf-8", "replace")
