#!/usr/bin/env bash
# Coverage-guided fuzzing beyond the seed regression `mvn verify` runs, for the SDK's network parsers (and, through
# cocoon-worker/src/test/scripts/fuzz.sh, which sets FUZZ_MODULE, the worker's).
#
#   bash cocoon-sdk/src/test/scripts/fuzz.sh [RUNS] [TARGET...]
#
# Runs each target (package.Class#method under the module's base package; all by default) for RUNS inputs
# (default 1,000,000) with Jazzer's standalone driver, one JVM per target, starting from the committed seeds.
# Prints one line per target: inputs, seconds, inputs per second, and the result. A finding leaves its reproducer
# (crash-*) in target/fuzz/<target>/ and makes the script exit 1. Needs a JDK 21+ as JAVA_HOME and
# `mvn -o test-compile -pl <module>` done.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
MODULE="${FUZZ_MODULE:-cocoon-sdk}"
cd "$MODULE"
RUNS="${1:-1000000}"
shift || true
TARGETS=("$@")
case "$MODULE" in
  cocoon-sdk)
    BASE=network.cocoon.sdk
    # The fuzz package holds the targets and their invariants: not the code under test.
    EXCLUDES='network.cocoon.sdk.fuzz.**'
    JVM_FLAGS=()
    DEFAULT=(fuzz.SealedRequestFuzzTest#openingAnyBytesEndsInASealingException
             fuzz.SealedResponseFuzzTest#anyResponseOrStreamOpensOrEndsInASealingException
             fuzz.KeyConfigFuzzTest#anyKeyConfigDecodesOrIsRefused
             fuzz.ProtocolJsonFuzzTest#anyBodyReadsOrIsRefused
             fuzz.TdxQuoteFuzzTest#anyQuoteParsesOrIsRefused
             fuzz.TdxCollateralFuzzTest#anyCollateralParsesOrIsRefused
             fuzz.NvidiaEvidenceFuzzTest#anySpdmReportParsesOrIsRefused
             fuzz.PaymentBocFuzzTest#anyBagOfCellsParsesOrIsRefused
             fuzz.RefusalFuzzTest#anyRefusalReadsAndVerifiesOrIsRefused
             routing.RegistryStackFuzzTest#anyGetWorkersStackParsesOrIsRefused
             routing.SignedDirectoryFuzzTest#anyDirectoryIsAcceptedOrRefused) ;;
  cocoon-worker)
    BASE=network.cocoon.worker
    # The target class and the test helpers: their checks are not the code under test.
    EXCLUDES='network.cocoon.worker.server.HttpLayerFuzzTest*:network.cocoon.worker.testing.**'
    JVM_FLAGS=(-Doffline=true -Dai.djl.offline=true)
    DEFAULT=(server.HttpLayerFuzzTest#anyBytesOnTheWireAreAnsweredOrClosed) ;;
  *) echo "unknown module $MODULE" >&2; exit 2 ;;
esac
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${DEFAULT[@]}")
# As in the poms (jazzer.disabledHooks): hooks that act only inside the JDK, whose class files Jazzer 0.24 cannot
# rewrite on JDK 25; each failed attempt costs the JVM about 0.3 s.
DISABLED_HOOKS=com.code_intelligence.jazzer.sanitizers.RegexRoadblocks:com.code_intelligence.jazzer.sanitizers.OsCommandInjection
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
  seeds="src/test/resources/${BASE//.//}/$package/${class}Inputs/$method"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work/corpus/" 2>/dev/null || true
  start=$(date +%s.%N)
  # Runs from the module's directory, as the tests do (the SDK's read ../docs/vectors); findings land in $work.
  if "$JAVA_HOME/bin/java" -Xmx2g "${JVM_FLAGS[@]}" -cp "$CP" \
        com.code_intelligence.jazzer.Jazzer --target_class="$BASE.$qualified" \
        --target_method="$method" --instrumentation_excludes="$EXCLUDES" --disabled_hooks="$DISABLED_HOOKS" \
        -runs="$RUNS" -max_total_time=86400 \
        -rss_limit_mb=4096 -artifact_prefix="$work/" "$work/corpus" > "$work/log.txt" 2>&1; then
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
