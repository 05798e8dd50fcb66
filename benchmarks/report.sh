#!/usr/bin/env bash
# One command for every benchmark figure the issues ask for: the JMH suites, the inference benchmark, the weight
# precisions side by side and the load program, in one run, written with the machine they ran on to
# benchmarks/RESULTS.md.
#
#   bash benchmarks/report.sh [--no-build] [--quick]
#
# --quick: fewer JMH iterations, the inference benchmark without the SmolLM-sized model, the weight precisions
# over 2 rounds instead of 5, a 20 s load run.
# Needs a JDK 21+ as JAVA_HOME. Takes about 30 minutes on a 2-core machine (about 10 with --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
build=1
quick=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --quick) quick=1 ;;
    *) echo "usage: bash benchmarks/report.sh [--no-build] [--quick]" >&2; exit 2 ;;
  esac
done
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
[ $build -eq 1 ] && mvn -B -ntp -q -DskipTests -Dinvoker.skip=true package
run=benchmarks/target/report
rm -rf "$run" && mkdir -p "$run"
CP="benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
jmh=()
inference=()
load=(--seconds 60)
if [ $quick -eq 1 ]; then
  jmh=(-wi 1 -i 2 -w 1s -r 1s)
  inference=(--skip-large)
  load=(--seconds 20)
fi
echo "JMH ..."
"$JAVA" -jar benchmarks/target/benchmarks.jar "${jmh[@]}" -rf json -rff "$run/jmh.json" \
  "SealingBenchmark|StreamingBenchmark|VerificationBenchmark|TdxVerificationBenchmark|ChannelStateBenchmark|PaymentBenchmark|RoutingBenchmark" \
  > "$run/jmh.txt" 2>&1
echo "inference ..."
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" network.cocoon.benchmarks.InferenceBenchmark "${inference[@]}" \
  > "$run/inference.md" 2>&1
echo "precisions ..."
precision=()
[ $quick -eq 1 ] && precision=(--rounds 2)
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CP" network.cocoon.benchmarks.PrecisionBenchmark "${precision[@]}" \
  > "$run/precision.md" 2>&1
echo "load ..."
"$JAVA" -cp "$CP" network.cocoon.benchmarks.load.LoadProgram "${load[@]}" --json "$run/load.json" \
  > "$run/load.md" 2>&1 || echo "the load program's checks failed: see RESULTS.md"
"$JAVA" -cp "$CP" network.cocoon.benchmarks.report.ResultsReport "$run" benchmarks/RESULTS.md
