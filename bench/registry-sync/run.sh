#!/usr/bin/env bash
# Registry sync: images of random layers (BENCH_IMAGES x BENCH_LAYERS x BENCH_LAYER_MIB MiB,
# default 20 x 5 x 8) in room-1's registry, copied to an empty room-2 by a sync policy through
# build-service's API, and by `skopeo copy` to an empty room-3 in the same run; then the policy
# again over the unchanged set. Last line:
#   registry-sync platform_mib_s=<a> skopeo_mib_s=<b> ratio=<a/b> resync_noop_s=<c>
# Needs the servers of scripts/infra.sh (started here) and skopeo (its prerequisites).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
bash scripts/infra.sh up >/dev/null
mvn -B -q -ntp install -pl build-service -am -DskipTests -Dspotless.check.skip=true >/dev/null
rm -f build-service/target/bench-registry-sync.txt
mvn -B -q -ntp test -pl build-service -Dspotless.check.skip=true \
  -Dtest=RegistrySyncBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.images="${BENCH_IMAGES:-20}" -Dbench.layers="${BENCH_LAYERS:-5}" \
  -Dbench.layer-mib="${BENCH_LAYER_MIB:-8}" \
  >/tmp/registry-sync-bench-maven.log 2>&1 || { tail -n 60 /tmp/registry-sync-bench-maven.log; exit 1; }
cat build-service/target/bench-registry-sync.txt
