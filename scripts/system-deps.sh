#!/usr/bin/env bash
# System packages the tests need, installed with apt-get when missing (Debian;
# run as root, as CI does). Each package has its own block.
set -euo pipefail

updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: $*; install them as root: apt-get install --no-install-recommends $*" >&2
    exit 1
  fi
  if [ "$updated" = 0 ]; then
    apt-get update -qq
    updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# ---- chromium: the headless browser of the viewer's and the gallery's browser tests (test-utils/browser.ts)
if [ ! -x /usr/bin/chromium ]; then
  echo "> installing chromium (apt-get)"
  apt_install chromium
fi
