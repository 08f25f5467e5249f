#!/usr/bin/env bash
# Debian packages that tests need, installed when missing (CI runs this as root
# from .ci/run; on a developer machine run it once with sudo). Each package has
# its own block: add new ones the same way.
set -euo pipefail

updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: $* missing and not root: run 'sudo $0' (the tests that need them fail until then)" >&2
    return 0
  fi
  if [ "$updated" -eq 0 ]; then
    apt-get update -qq
    updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# --- chromium: headless browser for the gallery's and the viewer's tests (test-utils/browser.ts)
if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# --- slurm-wlm + munge: a one-node Slurm cluster for the sharded-build test
# (packages/plot/test/slurm.test.ts starts and stops its own daemons)
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  apt_install slurm-wlm munge
fi
