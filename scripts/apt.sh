# Sourced by the install scripts: `apt_install [--with-recommends] PACKAGE...` installs
# Debian packages with apt-get, as root or through sudo, without their recommendations
# unless asked; where there is no apt-get it prints $NO_APT (what to install by hand) and
# fails.
apt_install() {
  local recommends="--no-install-recommends"
  if [ "${1:-}" = "--with-recommends" ]; then recommends=""; shift; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "${NO_APT:-build-cv: no apt-get here; install: $*}" >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "build-cv: run as root or install sudo to install: $*" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # $recommends is one option or none
  $sudo apt-get install -y -qq $recommends "$@" >/dev/null
}
