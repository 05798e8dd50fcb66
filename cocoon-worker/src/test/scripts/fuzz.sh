#!/usr/bin/env bash
# Long fuzz runs of the worker's targets (the HTTP layer through a real worker on loopback):
#
#   bash cocoon-worker/src/test/scripts/fuzz.sh [RUNS] [TARGET...]
#
# The SDK's script does the work; see it for the output. Needs `mvn -o test-compile -pl cocoon-worker` done.
FUZZ_MODULE=cocoon-worker exec bash "$(dirname "$0")/../../../../cocoon-sdk/src/test/scripts/fuzz.sh" "$@"
