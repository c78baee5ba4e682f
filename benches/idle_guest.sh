#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Idle CPU and memory of Vireo and virt-manager (same run) with the real test guest running
# on qemu:///system. Builds the release binary, then runs benches/idle_guest.py under Xvfb
# and a private session bus. Needs root, libvirtd and the test guest (see build-aux/).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin vireo
target=${CARGO_TARGET_DIR:-target}
mkdir -p "$target/bench/bin"
cp "$target/release/vireo" "$target/bench/bin/vireo-idle"
exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
  /usr/bin/python3 benches/idle_guest.py --binary "$target/bench/bin/vireo-idle" "$@"
