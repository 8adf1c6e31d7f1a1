#!/usr/bin/env python3
"""Judges the shipped sample logs and prints the alerts.

    python3 examples/python/scan.py

Uses the offregion package of this checkout (bindings/python) and the
library built in build/lib; with the package installed (pip install
--no-build-isolation bindings/python) the sys.path line below is not needed.
The samples span minutes, not weeks, so activation is 0 days: with the
default 14 the detector would still be learning.
"""

import glob
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

import offregion  # noqa: E402


def main():
    logs = os.path.join(ROOT, "examples", "logs")
    files = sorted(glob.glob(os.path.join(logs, "otrf", "*.json")) +
                   glob.glob(os.path.join(logs, "stratus-red-team", "*.json")))
    alerts = 0
    with offregion.Detector(activation_days=0) as detector:
        for path in files:
            for verdict in detector.judge_many(offregion.read_records(path)):
                if verdict.outcome != "alert":
                    continue
                alerts += 1
                print(f"{verdict.severity.upper()} {verdict.variation}: "
                      f"{verdict.compute_id} (home {verdict.home_region}, "
                      f"from {verdict.home_source}) called "
                      f"{verdict.event_name} from {verdict.origin.address} "
                      f"({verdict.origin.kind}, {verdict.origin.country})")
                print(f"  {verdict.explanation}")
    print(f"{alerts} alert(s) in {len(files)} file(s)")


if __name__ == "__main__":
    main()
