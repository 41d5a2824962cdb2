#!/usr/bin/env bash
# Runs the uvu suite (test/**/*.test.ts) and ends with the plain line CI reads:
# 'N passed, N failed, N skipped'. uvu prints no 'Failed:' line (failed = total - passed), and a file
# that throws at import prints no summary at all: both are turned into failures here. Zero tests is a failure.
set -o pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
NO_COLOR=1 node --import tsx node_modules/uvu/bin.js test '\.test\.ts$' "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
total=$(grep -oP '^\s*Total:\s*\K\d+' "$out" | tail -1)
passed=$(grep -oP '^\s*Passed:\s*\K\d+' "$out" | tail -1)
skipped=$(grep -oP '^\s*Skipped:\s*\K\d+' "$out" | tail -1)
rm -f "$out"
if [ -z "$total" ]; then echo "0 passed, 1 failed"; exit 1; fi
if [ "$total" -eq 0 ]; then echo "0 passed, 1 failed (no test ran)"; exit 1; fi
echo "${passed} passed, $((total - passed)) failed, ${skipped:-0} skipped"
exit $rc
