#!/usr/bin/env bash
# Coverage-guided fuzzing of the SDK's network parsers, beyond the seed regression `mvn verify` runs.
#
#   bash cocoon-sdk/src/test/scripts/fuzz.sh [RUNS] [TARGET...]
#
# Runs each target (package.Class#method under network.cocoon.sdk; all by default) for RUNS inputs (default
# 1,000,000) with Jazzer's standalone driver, one JVM per target, starting from the committed seeds. Prints one
# line per target: inputs, seconds, inputs per second, and the result. A finding leaves its reproducer
# (crash-*) in target/fuzz/<target>/ and makes the script exit 1. Needs a JDK 21+ as JAVA_HOME and
# `mvn -o test-compile -pl cocoon-sdk` done.
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${1:-1000000}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(fuzz.SealedRequestFuzzTest#openingAnyBytesEndsInASealingException
           fuzz.SealedResponseFuzzTest#anyResponseOrStreamOpensOrEndsInASealingException
           fuzz.KeyConfigFuzzTest#anyKeyConfigDecodesOrIsRefused
           fuzz.ProtocolJsonFuzzTest#anyBodyReadsOrIsRefused
           fuzz.TdxQuoteFuzzTest#anyQuoteParsesOrIsRefused
           fuzz.TdxCollateralFuzzTest#anyCollateralParsesOrIsRefused
           fuzz.NvidiaEvidenceFuzzTest#anySpdmReportParsesOrIsRefused
           fuzz.PaymentBocFuzzTest#anyBagOfCellsParsesOrIsRefused
           fuzz.RefusalFuzzTest#anyRefusalReadsAndVerifiesOrIsRefused
           routing.RegistryStackFuzzTest#anyGetWorkersStackParsesOrIsRefused
           routing.SignedDirectoryFuzzTest#anyDirectoryIsAcceptedOrRefused)
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
  seeds="src/test/resources/network/cocoon/sdk/$package/${class}Inputs/$method"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work/corpus/" 2>/dev/null || true
  start=$(date +%s.%N)
  # Run from cocoon-sdk, as the tests do (they read ../docs/vectors); findings land in $work.
  if "$JAVA_HOME/bin/java" -Xmx2g -cp "$CP" \
        com.code_intelligence.jazzer.Jazzer --target_class="network.cocoon.sdk.$qualified" \
        --target_method="$method" --instrumentation_excludes='network.cocoon.sdk.fuzz.**' -runs="$RUNS" -max_total_time=86400 -rss_limit_mb=4096 -artifact_prefix="$work/" \
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
