#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds and runs Vireo from the source tree, installing missing build packages first.
# Vireo connects to qemu:///system when a libvirt daemon is reachable, else it shows
# libvirt's embedded test hypervisor (test:///default) and says so. Arguments are passed on
# (e.g. --connect qemu+ssh://user@host/system).
set -euo pipefail
cd "$(dirname "$0")/.."
bash build-aux/install-deps.sh build
cargo build --release --bin vireo
target=${CARGO_TARGET_DIR:-target}
# The GSettings schema, compiled where this run can find it (an install puts it in /usr/share).
mkdir -p "$target/schemas"
cp data/org.vireo.Vireo.gschema.xml "$target/schemas/"
glib-compile-schemas "$target/schemas"
GSETTINGS_SCHEMA_DIR="$target/schemas" exec "$target/release/vireo" "$@"
