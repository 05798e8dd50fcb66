#!/usr/bin/env bash
# Long fuzz runs of the worker's targets (the SDK's are in cocoon-sdk/src/test/scripts/fuzz.sh, which this
# follows): each TARGET (package.Class#method under network.cocoon.worker) for RUNS inputs (default 1,000,000)
# with Jazzer's standalone driver, one JVM per target, from the committed seeds. Prints inputs, seconds, inputs
# per second and the result; a finding leaves its reproducer in target/fuzz/<target>/ and exits 1.
#
#   bash cocoon-worker/src/test/scripts/fuzz.sh [RUNS] [TARGET...]
#
# Needs a JDK 21+ as JAVA_HOME and `mvn -o test-compile -pl cocoon-worker` done.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${1:-1000000}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(server.HttpLayerFuzzTest#anyBytesOnTheWireAreAnsweredOrClosed)
fi
mvn -B -q -o dependency:build-classpath 2>/dev/null -Dmdep.includeScope=test -Dmdep.outputFile=target/fuzz-classpath.txt
CP="$PWD/target/test-classes:$PWD/target/classes:$(cat target/fuzz-classpath.txt)"
status=0
printf '| target | inputs | seconds | inputs/s | result |\n| --- | ---: | ---: | ---: | --- |\n'
for target in "${TARGETS[@]}"; do
  qualified="${target%%#*}"
  package="${qualified%%.*}"
  class="${qualified#*.}"
  method="${target##*#}"
  work="target/fuzz/$class-$method"
  mkdir -p "$work/corpus"
  seeds="src/test/resources/network/cocoon/worker/$package/${class}Inputs/$method"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work/corpus/" 2>/dev/null || true
  start=$(date +%s.%N)
  # The test classes and the test helpers stay uninstrumented: their checks are not the code under test.
  if "$JAVA_HOME/bin/java" -Xmx2g -Doffline=true -Dai.djl.offline=true -cp "$CP" \
        com.code_intelligence.jazzer.Jazzer --target_class="network.cocoon.worker.$qualified" \
        --target_method="$method" --instrumentation_excludes="network.cocoon.worker.$qualified:network.cocoon.worker.testing.**" \
        -runs="$RUNS" -max_total_time=86400 -rss_limit_mb=4096 -artifact_prefix="$work/" \
        "$work/corpus" > "$work/log.txt" 2>&1; then
    result="no finding"
  else
    result="FINDING, see $work"
    status=1
  fi
  seconds=$(echo "$(date +%s.%N) - $start" | bc)
  done_runs=$(grep -oE '^Done [0-9]+ runs' "$work/log.txt" | grep -oE '[0-9]+' || echo 0)
  printf '| %s | %s | %.0f | %.0f | %s |\n' "$target" "$done_runs" "$seconds" "$(echo "$done_runs / $seconds" | bc -l)" "$result"
done
exit $status
