#!/bin/sh
# Runs the shared conformance cases against the offregion command.
# usage: run_conformance.sh PYTHON SHARED_DIR OFFREGION_BINARY
python=$1 shared=$2 binary=$3
if [ ! -x "$shared/tools/run-cases" ] && [ ! -f "$shared/tools/run-cases" ]; then
  echo "skipped: no conformance cases at $shared/tools/run-cases"
  exit 77
fi
exec "$python" "$shared/tools/run-cases" --bin "$binary" "$shared/cases"
