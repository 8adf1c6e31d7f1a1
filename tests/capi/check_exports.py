"""Checks that the shared library exports only offregion_ symbols.

usage: check_exports.py PATH/TO/liboffregion.so
"""
import subprocess
import sys


def main():
    out = subprocess.run(["nm", "-D", "--defined-only", sys.argv[1]],
                         capture_output=True, text=True, check=True).stdout
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    stray = [n for n in names if not n.startswith("offregion_")]
    for name in stray:
        print(f"exported but not offregion_: {name}")
    print(f"{len(names)} exported symbols, {len(stray)} stray")
    if not any(n == "offregion_judge" for n in names):
        print("offregion_judge is not exported")
        return 1
    return 1 if stray else 0


if __name__ == "__main__":
    sys.exit(main())
