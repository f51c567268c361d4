#!/usr/bin/env bash
# Builds: (1) request to Job created with the kubernetes executor on kube-sim, 100 builds asked for
# by 8 clients at once, beside Jobs made directly (the baseline); (2) the sample Java service built
# by the local executor with a cold and then a warm dependency cache. Last line:
#   build job_created_p99_ms=<x> local_build_s=<y> local_build_warm_s=<z>
# Knobs: BENCH_BUILDS (100). Needs the servers of scripts/infra.sh (started here) and, for part 2,
# the build tools (podman, buildah; scripts/infra.sh prerequisites).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
bash scripts/infra.sh up >/dev/null
mvn -B -q -ntp install -pl build-service -am -DskipTests -Dspotless.check.skip=true >/dev/null
rm -f build-service/target/bench-kubernetes.txt build-service/target/bench-local.txt
mvn -B -q -ntp test -pl build-service -Dspotless.check.skip=true \
  -Dtest="${BENCH_TESTS:-KubernetesBuildBenchmark,LocalBuildBenchmark}" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.builds="${BENCH_BUILDS:-100}" ${BENCH_EXTRA:-} \
  >/tmp/build-bench-maven.log 2>&1 || { tail -n 60 /tmp/build-bench-maven.log; exit 1; }
cat build-service/target/bench-kubernetes.txt build-service/target/bench-local.txt
value() { grep -o "$1=[0-9.]*" "$2" | head -1 | cut -d= -f2; }
echo "build job_created_p99_ms=$(value job_created_p99_ms build-service/target/bench-kubernetes.txt)" \
  "local_build_s=$(grep ' cold ' build-service/target/bench-local.txt | grep -o 'total_s=[0-9.]*' | cut -d= -f2)" \
  "local_build_warm_s=$(grep ' warm ' build-service/target/bench-local.txt | grep -o 'total_s=[0-9.]*' | cut -d= -f2)"
