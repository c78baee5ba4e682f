#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# console.sh [console.py options] — Vireo's console against remote-viewer on the same test
# guest (needs root, libvirtd and the test guest: build-aux/libvirt-up.sh and
# build-aux/make-test-guest.sh). Builds the release binary, installs virt-viewer and xprop when missing
# (apt-get), runs console.py under Xvfb and a private session bus. Report: stdout and
# $CARGO_TARGET_DIR/bench/console.md (default target/).
#   benches/console.sh                                  VNC, normal and flood load, 30 s each
#   benches/console.sh --protocol spice --loads normal  SPICE, normal load only
#   benches/console.sh --window-manager                 under openbox, as on a desktop (installed
#                                                       when missing; see console.py)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT"
CARGO_TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-$ROOT/target}")
export CARGO_TARGET_DIR
missing=()
command -v remote-viewer >/dev/null || missing+=(virt-viewer)
command -v xprop >/dev/null || missing+=(x11-utils)
case " $* " in *" --window-manager "*) command -v openbox >/dev/null || missing+=(openbox) ;; esac
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
VIREO_BENCH_COMMAND="benches/console.sh"
for a in "$@"; do VIREO_BENCH_COMMAND+=" $a"; done
export VIREO_BENCH_COMMAND
cargo build --release --bin vireo
export VIREO_BENCH_REPORT_FD=3 GSETTINGS_BACKEND=memory
exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
  "${PYTHON:-/usr/bin/python3}" "$HERE/console.py" "$@" 3>&1 1>&2
