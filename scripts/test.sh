#!/usr/bin/env bash
# The whole test suite: installs what is missing, starts the local infrastructure (reusing servers
# that already answer), then runs every unit test (*Test) and integration test (*IT).
# Extra arguments go to Maven, e.g.: bash scripts/test.sh -pl dns-service -am
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAG=test
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"

bash "$ROOT/scripts/infra.sh" up
need_build_tools
cd "$ROOT"
mvn -B -ntp verify "$@"
