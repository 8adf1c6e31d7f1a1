"""`python3 -m offregion scan [options] FILE...`: the CLI, in Python.

Same options, output and exit codes as `offregion scan`: verdict JSON lines
on standard output exactly as the library writes them, a summary on
standard error; 0 done, 1 a file could not be read at all, 2 bad usage,
3 the verdicts or the state could not be written.

One difference the C ABI forces: the CLI prefixes the error and the
explanation of a record that was read but is not a valid CloudTrail record
with its location ("FILE:LINE: record has no eventTime"); the reader of the
C ABI does not hand out locations, so here they have no prefix.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time

from ._errors import OffregionError
from ._lib import STATUS_NOT_FOUND

USAGE = """\
usage: offregion scan [options] FILE...

Judges every CloudTrail record in FILE... ("-" is standard input;
S3 delivery files, JSON arrays, JSON Lines, gzip or not) and prints
verdicts as JSON Lines: alerts only, or every verdict with --all.
A summary goes to standard error. Exit status: 0 when the scan
completed, 1 when a file could not be read at all, 2 for bad usage,
3 when the verdicts or the state could not be written.

options:
  --activation-days=N   no alert until events span N days (14)
  --training-days=N     profile window in days (30)
  --dedup-days=N        suppress repeats for N days (5)
  --aws-ranges=FILE     AWS ip-ranges.json (the shipped snapshot)
  --geo-table=FILE      CSV network,country,asn,as_org, asked first
  --mmdb=FILE           MaxMind GeoIP2/GeoLite2 database, asked next;
                        repeat for several (City, Country, ASN, ISP)
  --no-default-geo      do not ask the libloc database last
  --inventory=FILE      CSV compute_id,region[,account]
  --severity=V=S,...    override the severity of variations
  --state=FILE          load the state from FILE if it exists, save
                        it there at the end
  --checkpoint-every=N  with --state, also save every N records
  --max-identities=N    profiles kept (1000000)
  --max-profile-entries=N  countries plus ASNs per identity (512)
  --max-dedup-entries=N alert keys kept (1000000)
  --max-sessions=N      issuance records and compute resources kept
                        (1000000 each)
  --format=jsonl        output format
  --all                 print every verdict
  --help                this text
"""

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
_ALERT_PREFIX = '{"outcome":"alert"'


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    """Raises _UsageError, worded as the CLI words it, instead of exiting."""

    def error(self, message):
        found = re.match(r"unrecognized arguments: (\S+)", message)
        if found:
            message = f"unknown option {found.group(1)}"
        found = re.match(r"argument (--[\w-]+): invalid \w+ value: '(.*)'$",
                         message)
        if found:
            message = f'{found.group(1)}: bad value "{found.group(2)}"'
        found = re.match(r"argument (--[\w-]+): expected one argument",
                         message)
        if found:
            message = f"{found.group(1)} needs a value"
        raise _UsageError(message)


def _parser():
    parser = _Parser(prog="offregion scan", add_help=False,
                     allow_abbrev=False)
    parser.add_argument("--activation-days", type=float, default=14.0)
    parser.add_argument("--training-days", type=float, default=30.0)
    parser.add_argument("--dedup-days", type=float, default=5.0)
    parser.add_argument("--aws-ranges")
    parser.add_argument("--geo-table")
    parser.add_argument("--mmdb", action="append", default=[])
    parser.add_argument("--no-default-geo", action="store_true")
    parser.add_argument("--inventory")
    parser.add_argument("--severity")
    parser.add_argument("--state")
    parser.add_argument("--checkpoint-every", type=int, default=0)
    for name, default in (("--max-identities", 1000000),
                          ("--max-profile-entries", 512),
                          ("--max-dedup-entries", 1000000),
                          ("--max-sessions", 1000000)):
        parser.add_argument(name, type=int, default=default)
    parser.add_argument("--format", default="jsonl")
    parser.add_argument("--all", action="store_true")
    parser.add_argument("files", nargs="*")
    return parser


def _usage_error(message, err):
    err.write(f"offregion: {message}\n(see offregion --help)\n")
    return EXIT_USAGE


def _check_days(days, name):
    if not days >= 0 or days > 36500:
        raise _UsageError(f"--{name} must be between 0 and 36500")


def _severities(text):
    from ._verdict import SEVERITIES, VARIATIONS
    out = {}
    for item in text.split(",") if text else ():
        variation, _, severity = item.partition("=")
        if variation not in VARIATIONS[1:]:
            raise _UsageError(
                f'--severity: unknown variation "{variation}"')
        if severity.lower() not in SEVERITIES[1:]:
            raise _UsageError(f'--severity: unknown severity "{severity}"')
        out[variation] = severity
    return out


def _settings(argv):
    args = _parser().parse_intermixed_args(argv)
    _check_days(args.activation_days, "activation-days")
    _check_days(args.training_days, "training-days")
    if args.training_days == 0:
        raise _UsageError("--training-days must be above 0")
    _check_days(args.dedup_days, "dedup-days")
    args.severities = _severities(args.severity)
    if args.checkpoint_every and not args.state:
        raise _UsageError("--checkpoint-every needs --state")
    for name in ("max_identities", "max_profile_entries",
                 "max_dedup_entries", "max_sessions"):
        if not 1 <= getattr(args, name) < 2 ** 63:
            raise _UsageError(f"--{name.replace('_', '-')} must be between "
                              "1 and 2^63-1")
    if args.checkpoint_every < 0:
        raise _UsageError("--checkpoint-every must not be negative")
    if args.format != "jsonl":
        raise _UsageError(f'--format: unknown format "{args.format}"')
    if not args.files:
        raise _UsageError("no input files")
    # Like the CLI's list flags: --mmdb=a,b names two databases.
    args.mmdb = [p for item in args.mmdb for p in item.split(",") if p]
    return args


class _Summary:
    def __init__(self):
        self.files = 0
        self.unreadable = 0
        self.broken = 0
        self.outcomes = dict.fromkeys(
            ("not_applicable", "in_region", "learning", "unresolved",
             "alert", "suppressed", "invalid"), 0)
        self.severities = dict.fromkeys(
            ("high", "medium", "low", "informational"), 0)
        self.output_failed = False
        self.seconds = 0.0
        self.checkpoints = 0

    @property
    def records(self):
        return sum(self.outcomes.values())

    def write(self, err, cache, state):
        rate = self.records / self.seconds if self.seconds > 0 else 0
        hits, misses = cache
        lookups = hits + misses
        err.write(
            f"offregion: {self.records} records from {self.files} files in "
            f"{self.seconds:.3f} s ({rate:.0f} records/s)\n"
            "offregion: verdicts: " + ", ".join(
                f"{k} {v}" for k, v in self.outcomes.items()) + "\n"
            "offregion: alerts by severity: " + ", ".join(
                f"{k} {v}" for k, v in self.severities.items()) + "\n"
            f"offregion: invalid records: {self.outcomes['invalid']}; "
            f"unreadable files: {self.unreadable}; files that ended early: "
            f"{self.broken}\n"
            f"offregion: geo cache: {lookups} lookups, "
            f"{100.0 * hits / lookups if lookups else 0.0:.1f}% hits\n")
        if state is not None:
            err.write(
                "offregion: state: {identities} identities, {dedup_entries} "
                "dedup keys, {tracked_sessions} sessions, {learned_computes} "
                "compute resources; evicted: {evicted_profile_entries} "
                "profile entries, {evicted_dedup_entries} dedup keys, "
                "{evicted_sessions} sessions, {evicted_learned} compute "
                "resources\n".format(**state))


def _write_failed(error, err, summary):
    summary.output_failed = True
    err.write("offregion: cannot write verdicts: "
              f"{os.strerror(error.errno or 0)}\n")


class _Checkpoints:
    """Saves the state every `every` records (0: never) to `path`."""

    def __init__(self, detector, path, every):
        self.detector = detector
        self.path = path
        self.every = every if path else 0

    def batch_size(self, summary):
        """Returns a batch size that ends at the next checkpoint."""
        if not self.every:
            return BATCH_SIZE
        return min(BATCH_SIZE, self.every - summary.records % self.every)

    def after(self, summary, out, err):
        """Saves when one is due; returns False when saving failed. The
        verdicts are flushed first: a crash after the checkpoint must not
        lose an alert that the state says was raised."""
        if not self.every or summary.records % self.every:
            return True
        try:
            out.flush()
        except OSError as error:
            _write_failed(error, err, summary)
            return False
        try:
            self.detector.save(self.path)
        except OffregionError as error:
            summary.output_failed = True
            err.write(f"offregion: cannot save state: {error.message}\n")
            return False
        summary.checkpoints += 1
        return True


BATCH_SIZE = 4096


def _unwritable(path):
    """Returns why the state cannot be saved at `path` (a temporary file
    next to it, then a rename), or None when it can."""
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        return f"{path}: is a directory"
    try:
        fd, probe = tempfile.mkstemp(prefix=".offregion-probe.", dir=folder)
    except OSError as error:
        return f"{path}: cannot create files in {folder}: {error.strerror}"
    os.close(fd)
    os.unlink(probe)
    return None


def _scan_file(detector, path, show_all, checkpoints, out, err, summary):
    from ._reader import read_records
    summary.files += 1
    try:
        reader = read_records(path)
    except OffregionError as error:
        summary.unreadable += 1
        err.write(f"offregion: {error.message}\n")
        return
    outcomes = summary.outcomes
    severities = summary.severities
    # Checkpoints need the detector's state at a batch's end: no prefetch.
    batches = detector._batches(reader, lambda: checkpoints.batch_size(
        summary), prefetch=not checkpoints.every)
    with reader:
        for lines, errors in batches:
            if errors is not None:
                lines = [line if error is None else error.verdict().json_text
                         for line, error in zip(lines, errors)]
            kept = []
            for line in lines:
                outcomes[line[12:line.index('"', 12)]] += 1
                if line.startswith(_ALERT_PREFIX):
                    severity = json.loads(line).get("severity", "")
                    if severity in severities:
                        severities[severity] += 1
                    kept.append(line)
                elif show_all:
                    kept.append(line)
            if kept:
                try:
                    out.write("\n".join(kept).encode("utf-8") + b"\n")
                except OSError as error:
                    _write_failed(error, err, summary)
                    batches.close()
                    return
            if not checkpoints.after(summary, out, err):
                batches.close()
                return
    if reader.error is not None:
        summary.broken += 1
        err.write(f"offregion: {reader.error.message}\n")


def scan(argv, out=None, err=None):
    """Runs `scan` with the arguments after the word "scan"; returns the exit
    status. `out` is a binary stream, `err` a text stream."""
    from ._detector import Detector
    out = out if out is not None else sys.stdout.buffer
    err = err if err is not None else sys.stderr
    try:
        args = _settings(argv)
    except _UsageError as error:
        return _usage_error(str(error), err)
    try:
        detector = Detector(
            activation_days=args.activation_days,
            training_days=args.training_days, dedup_days=args.dedup_days,
            aws_ranges=args.aws_ranges, geo_tables=_maybe(args.geo_table),
            mmdb=args.mmdb, inventory=args.inventory,
            use_default_geo=not args.no_default_geo,
            severities=args.severities,
            limits={"identities": args.max_identities,
                    "entries_per_identity": args.max_profile_entries,
                    "dedup_entries": args.max_dedup_entries,
                    "sessions": args.max_sessions})
    except OffregionError as error:
        err.write(f"offregion: {error.message}\n")
        return EXIT_INPUT
    with detector:
        if args.state:
            try:
                detector.load(args.state)
            except OffregionError as error:
                if error.status != STATUS_NOT_FOUND:
                    err.write("offregion: refusing the state file: "
                              f"{error.message}\n")
                    return EXIT_INPUT
            problem = _unwritable(args.state)
            if problem:  # found now, not after the whole scan
                err.write(f"offregion: cannot save state: {problem}\n")
                return EXIT_OUTPUT
        summary = _Summary()
        checkpoints = _Checkpoints(detector, args.state,
                                   args.checkpoint_every)
        start = time.monotonic()
        for path in args.files:
            _scan_file(detector, path, args.all, checkpoints, out, err,
                       summary)
            if summary.output_failed:
                break
        if not summary.output_failed:
            try:
                out.flush()
            except OSError as error:
                _write_failed(error, err, summary)
        summary.seconds = time.monotonic() - start
        if args.state and not summary.output_failed:
            try:
                detector.save(args.state)
            except OffregionError as error:
                err.write(f"offregion: cannot save state: {error.message}\n")
                summary.output_failed = True
        summary.write(err, detector.geo_cache_stats(),
                      detector.stats() if has_stats() else None)
    if summary.output_failed:
        return EXIT_OUTPUT
    return EXIT_INPUT if summary.unreadable else EXIT_OK


def has_stats():
    """Whether the library reports the state's counters."""
    from ._lib import has
    return has("offregion_detector_stat")


def _maybe(path):
    return (path,) if path else ()


def main(argv=None):
    """The entry point of `python3 -m offregion`; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or any(a in ("--help", "-h", "help") for a in argv):
        (sys.stdout if argv else sys.stderr).write(USAGE)
        return EXIT_OK if argv else EXIT_USAGE
    if argv[0] != "scan":
        return _usage_error(f'unknown command "{argv[0]}"', sys.stderr)
    status = scan(argv[1:])
    if status == EXIT_OUTPUT:
        # The closed stdout would fail again when Python exits.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return status
