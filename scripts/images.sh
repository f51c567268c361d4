#!/usr/bin/env bash
# The platform's own images: one per module, built with buildah from the root Dockerfile on the
# platform's Java runtime image, and pushed to a registry. The Helm chart's default image
# references are these (helm/container-cloud/values.yaml, `image`).
#
#   images.sh build      package the jars (mvn), then build every module's image
#   images.sh push       build, then push them to the registry
#   images.sh list       print the image references, one per line
#   images.sh infra      build the infrastructure images docker/compose.local.yml runs (MariaDB,
#                        etcd, Kafka, Elasticsearch, BIND), for hosts without the official ones
#
# Settings (environment):
#   PLATFORM_IMAGE_REGISTRY  where the images go; default the local one, 127.0.0.1:15000
#                            (scripts/infra.sh up starts it). Log in first for any other:
#                            `podman login harbor.example.com`
#   PLATFORM_IMAGE_TAG       default the chart's appVersion
#   PLATFORM_JAVA_IMAGE      the base; default the platform's Java 17 runtime, made here with
#                            debootstrap when missing (as build-service makes it for builds)
#   PLATFORM_IMAGES_JARS=built   skip `mvn package` (the tests, which have just packaged them)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TAG=images
# shellcheck source=lib.sh
source "$ROOT/scripts/lib.sh"
# shellcheck source=infra/ports.env
source "$ROOT/scripts/infra/ports.env"

# every module that runs, as docker-compose.yml builds them (ServiceListTest checks the list)
MODULES=(kube-sim gateway cluster-service app-orchestrator build-service nginx-mgr dns-service
  log-center audit-service nginx-agent log-agent)
# docker/local/<server>, each tagged localhost/container-cloud/infra-<server>:local
INFRA_IMAGES=(mariadb etcd kafka elasticsearch bind)
# what a module's image needs beyond Java and curl (the Dockerfile's EXTRA_PACKAGES)
extra_packages() {
  case $1 in nginx-agent) echo "nginx libnginx-mod-http-lua lua-cjson" ;; *) echo "" ;; esac
}

REGISTRY_HOST=${PLATFORM_IMAGE_REGISTRY:-127.0.0.1:$REGISTRY_PORT}
IMAGE_TAG=${PLATFORM_IMAGE_TAG:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' \
  "$ROOT/helm/container-cloud/Chart.yaml")}
JAVA_IMAGE=${PLATFORM_JAVA_IMAGE:-localhost/container-cloud/java-runtime:17}
# plain HTTP only on the loopback (the local registry); anything else is TLS
case $REGISTRY_HOST in 127.0.0.1:* | localhost:*) TLS_VERIFY=false ;; *) TLS_VERIFY=true ;; esac
# podman on this kind of machine: runc (crun needs cgroup v2) and limits below the hard ones
# (BUILDS.md, "Real containers")
BUILD_LIMITS=(--isolation oci --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

reference() { printf '%s/container-cloud/%s:%s' "$REGISTRY_HOST" "$1" "$IMAGE_TAG"; }

# The Java 17 runtime every module's image is built on: a minimal Debian root with the JRE and the
# host's added certificate authorities (a company proxy's), the recipe of build-service's
# BuilderImages for its java-runtime image, so both find the same image under one name.
need_java_image() {
  podman image exists "$JAVA_IMAGE" && return 0
  [ -z "${PLATFORM_JAVA_IMAGE:-}" ] || die "the base image $PLATFORM_JAVA_IMAGE is not in podman's storage"
  local work root mirror
  work=$(mktemp -d /var/tmp/java-runtime.XXXXXX)
  root=$work/root
  mirror=${PLATFORM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  log "making $JAVA_IMAGE with debootstrap (once per host, about a minute)"
  debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm \
    "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log"; die "debootstrap failed"; }
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    # Java's store is rebuilt by a hook that needs /proc (it fails here): the host's, which has
    # them, is copied instead
    chroot "$root" update-ca-certificates >>"$work/debootstrap.log" 2>&1
    [ -f /etc/ssl/certs/java/cacerts ] && cp /etc/ssl/certs/java/cacerts "$root/etc/ssl/certs/java/cacerts"
  fi
  tar -C "$root" -c . | podman import --quiet - "$JAVA_IMAGE" >/dev/null
  rm -rf "$work"
}

build_jars() {
  [ "${PLATFORM_IMAGES_JARS:-}" = built ] && return 0
  need_build_tools
  log "packaging the modules (mvn package, tests skipped)"
  (cd "$ROOT" && mvn -B -q -ntp package -DskipTests) || die "the build failed"
}

cmd_build() {
  need_packages podman runc buildah debootstrap ca-certificates
  build_jars
  need_java_image
  local module revision
  revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  for module in "${MODULES[@]}"; do
    log "building $(reference "$module")"
    # docker format keeps the Dockerfile's HEALTHCHECK (OCI images have none); --layers shares
    # the package layer between modules
    buildah bud --quiet --layers --format docker "${BUILD_LIMITS[@]}" \
      --build-arg MODULE="$module" --build-arg JAVA_IMAGE="$JAVA_IMAGE" \
      --build-arg EXTRA_PACKAGES="$(extra_packages "$module")" \
      --label org.opencontainers.image.vendor=container-cloud \
      --label org.opencontainers.image.title="$module" \
      --label org.opencontainers.image.version="$IMAGE_TAG" \
      --label org.opencontainers.image.revision="$revision" \
      --tag "$(reference "$module")" "$ROOT" >/dev/null \
      || die "the image of $module did not build"
    # the name docker-compose.yml runs it by
    podman tag "$(reference "$module")" "localhost/container-cloud/$module:local"
  done
  # the images these tags named before, now untagged
  podman image prune --force --filter label=org.opencontainers.image.vendor=container-cloud >/dev/null
}

cmd_push() {
  cmd_build
  local module
  for module in "${MODULES[@]}"; do
    log "pushing $(reference "$module")"
    podman push --quiet --tls-verify="$TLS_VERIFY" "$(reference "$module")" \
      || die "could not push $(reference "$module") (is the registry up? scripts/infra.sh up)"
  done
}

cmd_infra() {
  need_packages podman runc buildah debootstrap ca-certificates
  need_java_image
  local server context home
  for server in "${INFRA_IMAGES[@]}"; do
    log "building localhost/container-cloud/infra-$server:local"
    context=$(mktemp -d /var/tmp/infra-image.XXXXXX)
    cp -r "$ROOT/docker/local/$server/." "$context/"
    case $server in
      kafka)
        home=$(bash "$ROOT/scripts/infra.sh" home kafka)
        copy_tree "$home/lib" "$context/libs"
        cp "$ROOT/scripts/infra/log4j2.properties" "$context/" ;;
      elasticsearch)
        home=$(bash "$ROOT/scripts/infra.sh" home elasticsearch)
        copy_tree "$home" "$context/elasticsearch"
        # the local server's own: its logs, keystore and settings (scripts/infra.sh writes them)
        rm -rf "$context/elasticsearch/logs" "$context/elasticsearch/config/elasticsearch.keystore" ;;
    esac
    buildah bud --quiet --layers --format docker "${BUILD_LIMITS[@]}" \
      --build-arg BASE="$JAVA_IMAGE" \
      --label org.opencontainers.image.vendor=container-cloud \
      --tag "localhost/container-cloud/infra-$server:local" "$context" >/dev/null \
      || { rm -rf "$context"; die "the image of $server did not build"; }
    rm -rf "$context"
  done
  podman image prune --force --filter label=org.opencontainers.image.vendor=container-cloud >/dev/null
}

# hard links where the file system allows them (the distributions are large), copies elsewhere
copy_tree() { cp -rl "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -r "$1" "$2"; }; }

cmd_list() {
  local module
  for module in "${MODULES[@]}"; do reference "$module"; echo; done
}

case ${1:-} in
  build) cmd_build ;;
  push) cmd_push ;;
  list) cmd_list ;;
  infra) cmd_infra ;;
  *) echo "usage: $0 build|push|list|infra" >&2; exit 2 ;;
esac
