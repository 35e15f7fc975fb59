#!/usr/bin/env bash
# Runs every test: builds the NVML stand-in, builds the solution, runs all xunit projects, and prints
# one closing line "N passed, N failed, N skipped". Extra arguments go to `dotnet test` (e.g. --filter).
# The daemon tests run the published Native AOT gpuqos: the first of them publishes it (a few minutes), once per
# change of the sources (tests/Daemon.Tests/obj/publish/HASH), and the rest reuse it.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -f tests/NvmlStub/Makefile ]; then
  make -s -C tests/NvmlStub || { echo "test: building tests/NvmlStub failed"; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet build GpuQos.sln --nologo --verbosity quiet || { echo "test: the build failed"; echo "0 passed, 1 failed"; exit 1; }

results="$(pwd)/TestResults"
# -m:1 runs the test projects one after another: several of them pin CPU burners, probe victims or
# throttled processes to core 0 and assert on their shares and timings, and two such assemblies running at
# once on a small CI machine are each other's noisy neighbours. Inside a project, xunit still runs the
# collections that do not measure CPU time in parallel.
rm -rf "$results"
dotnet test GpuQos.sln --no-build --nologo --verbosity quiet -m:1 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" 2>&1 \
  | grep -vE '^\s*Passed [A-Za-z]' 
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  line=$(grep -o '<Counters [^>]*' "$trx")
  get() { echo "$line" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); executed=$(get executed)
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + total - executed))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The runner failed without a failing test (a crashed test host, say): count it as a failure.
  failed=1
fi
if [ "$failed" -gt 0 ]; then
  # The CI log keeps only its tail: name each failed test and the start of its message just above the count.
  python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for r in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") in ("Passed", "NotExecuted"):
            continue
        print(f"{r.get('outcome').upper()} {r.get('testName')} ({r.get('duration')})")
        message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip()
        for line in message.splitlines()[:6]:
            print("    " + line[:300])
PY
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
