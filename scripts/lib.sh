# Shared by the scripts in this folder: logging, the data folder, package installation.
# Expects ROOT (the checkout) to be set by the sourcing script.

log() { printf '[%s] %s\n' "${TAG:-platform}" "$*"; }
die() { printf '[%s] ERROR: %s\n' "${TAG:-platform}" "$*" >&2; exit 1; }

# MariaDB, Elasticsearch and BIND drop root; their folders must be reachable by other users.
# A checkout under a private home (e.g. /root) is not, so data then goes below /var/tmp.
default_data_dir() {
  local dir=$ROOT/.data
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ] && ! runuser -u nobody -- test -x "$dir" 2>/dev/null; then
    dir=/var/tmp/container-cloud-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)
  fi
  printf '%s' "$dir"
}
DATA=${PLATFORM_DATA:-$(default_data_dir)}
RUN=$DATA/run
LOGS=$DATA/logs
DIST=$DATA/dist

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=
need_packages() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  for p in "${missing[@]}"; do disable_packaged_service "$p"; done
}

# Debian starts a freshly installed server on its default port (MariaDB 3306, etcd 2379, BIND 53,
# nginx 80; rsyslog, the logs benchmark's peer). The platform runs its own instances on other ports, so the packaged ones that it
# just installed are stopped and disabled; ones installed before are left alone.
disable_packaged_service() {
  local unit
  case $1 in
    mariadb-server) unit=mariadb ;; etcd-server) unit=etcd ;; bind9) unit=named ;; nginx) unit=nginx ;;
    rsyslog) unit=rsyslog ;;
    *) return 0 ;;
  esac
  [ -d /run/systemd/system ] || return 0
  as_root systemctl disable --now "$unit" >/dev/null 2>&1 || true
}

# A process that exited but was not reaped yet (a zombie) counts as gone.
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]; }

# What listens on a port, with its process, to name it when the port is taken.
holder_of() { ss -Hlntup "( sport = :$1 )" 2>/dev/null | head -n 3; }

# kube-sim's tests drive the real kubectl (and the Helm chart is tried with it); Debian's own
# kubernetes-client is 1.20, too old for today's API, so a missing one comes from the Kubernetes
# project's apt repository.
KUBECTL_SERIES=v1.32
need_kubectl() {
  command -v kubectl >/dev/null 2>&1 && return 0
  log "installing kubectl $KUBECTL_SERIES from pkgs.k8s.io"
  need_packages curl gnupg ca-certificates
  as_root mkdir -p /etc/apt/keyrings
  curl -fsSL "https://pkgs.k8s.io/core:/stable:/$KUBECTL_SERIES/deb/Release.key" \
    | as_root gpg --batch --yes --dearmor -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg \
    || die "cannot fetch the key of pkgs.k8s.io; install kubectl ($KUBECTL_SERIES) on the PATH by hand"
  printf 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/%s/deb/ /\n' \
    "$KUBECTL_SERIES" | as_root tee /etc/apt/sources.list.d/kubernetes.list >/dev/null
  APT_UPDATED=
  need_packages kubectl
  command -v kubectl >/dev/null 2>&1 || die "kubectl did not install; install it ($KUBECTL_SERIES) on the PATH by hand"
}

# Java 17 and Maven build the platform; a fresh Debian or Ubuntu has neither.
need_build_tools() {
  need_packages openjdk-17-jdk-headless maven
}
