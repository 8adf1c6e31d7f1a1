"""`python3 -m offregion scan [options] FILE...`: the CLI, in Python.

Same options, output and exit codes as `offregion scan`: verdict JSON lines
on standard output exactly as the library writes them, a summary on
standard error; 0 done, 1 a file could not be read at all, 2 bad usage,
3 the verdicts could not be written.
"""

import argparse
import json
import os
import sys
import time

from ._errors import OffregionError

USAGE = """\
usage: offregion scan [options] FILE...

Judges every CloudTrail record in FILE... ("-" is standard input;
S3 delivery files, JSON arrays, JSON Lines, gzip or not) and prints
verdicts as JSON Lines: alerts only, or every verdict with --all.
A summary goes to standard error. Exit status: 0 when the scan
completed, 1 when a file could not be read at all, 2 for bad usage,
3 when the verdicts could not be written.

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
  --format=jsonl        output format
  --all                 print every verdict
  --help                this text
"""

EXIT_OK, EXIT_INPUT, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
_ALERT_PREFIX = '{"outcome":"alert"'


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):
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

    @property
    def records(self):
        return sum(self.outcomes.values())

    def write(self, err, cache):
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


def _scan_file(detector, path, show_all, out, err, summary):
    from ._reader import read_records
    summary.files += 1
    try:
        reader = read_records(path)
    except OffregionError as error:
        summary.unreadable += 1
        err.write(f"offregion: {error.message}\n")
        return
    outcomes = summary.outcomes
    with reader:
        for line in detector.judge_many_json(reader):
            outcome = line[12:line.index('"', 12)]
            outcomes[outcome] += 1
            if line.startswith(_ALERT_PREFIX):
                severity = json.loads(line).get("severity", "")
                if severity in summary.severities:
                    summary.severities[severity] += 1
            elif not show_all:
                continue
            try:
                out.write(line.encode("utf-8") + b"\n")
            except OSError as error:
                summary.output_failed = True
                err.write("offregion: cannot write verdicts: "
                          f"{os.strerror(error.errno or 0)}\n")
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
            severities=args.severities)
    except OffregionError as error:
        err.write(f"offregion: {error.message}\n")
        return EXIT_INPUT
    summary = _Summary()
    start = time.monotonic()
    with detector:
        for path in args.files:
            _scan_file(detector, path, args.all, out, err, summary)
            if summary.output_failed:
                break
        if not summary.output_failed:
            try:
                out.flush()
            except OSError as error:
                summary.output_failed = True
                err.write("offregion: cannot write verdicts: "
                          f"{os.strerror(error.errno or 0)}\n")
        summary.seconds = time.monotonic() - start
        summary.write(err, detector.geo_cache_stats())
    if summary.output_failed:
        return EXIT_OUTPUT
    return EXIT_INPUT if summary.unreadable else EXIT_OK


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
