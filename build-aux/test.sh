#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every Vireo test on a Debian 12 machine, installing and starting what they need:
#   packages (install-deps.sh test), virtlogd + libvirtd (libvirt-up.sh), the bootable test
#   guest (make-test-guest.sh), then lint, the GTK-free build and tests, the full tests (real
#   daemon, real QEMU guest, the app under Xvfb on a private session bus) and meson's data
#   validation. Needs root or sudo (packages, daemons). Exits non-zero on the first failure.
#
# Environment: VIREO_FIXTURES (virt-manager's test data; default ../shared/fixtures),
# VIREO_TEST_GUEST_DIR (default /var/lib/libvirt/images/vireo-test-guest),
# VIREO_ARTIFACTS (screenshots; default target/test-artifacts), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }

step "dependencies"
bash build-aux/install-deps.sh test

if [ -z "${VIREO_FIXTURES:-}" ]; then
  # virt-manager's test data sits beside the project (…/shared/fixtures); look a few levels up.
  for up in .. ../.. ../../..; do
    if [ -f "$up/shared/fixtures/testsuite.xml" ]; then VIREO_FIXTURES=$(cd "$up/shared/fixtures" && pwd); break; fi
  done
fi
if [ -z "${VIREO_FIXTURES:-}" ]; then
  # A clone made elsewhere (CI's fresh clone): look beside the checkout it was cloned from.
  origin=$(git config --get remote.origin.url 2>/dev/null || true)
  if [ -n "$origin" ] && [ -d "$origin" ] && [ -f "$origin/../shared/fixtures/testsuite.xml" ]; then
    VIREO_FIXTURES=$(cd "$origin/../shared/fixtures" && pwd)
  fi
fi
[ -n "${VIREO_FIXTURES:-}" ] || { echo "test fixtures not found: set VIREO_FIXTURES (see README)" >&2; exit 1; }
export VIREO_FIXTURES

step "libvirt daemons"
bash build-aux/libvirt-up.sh
export VIREO_TEST_GUEST_DIR=${VIREO_TEST_GUEST_DIR:-/var/lib/libvirt/images/vireo-test-guest}
step "test guest"
bash build-aux/make-test-guest.sh "$VIREO_TEST_GUEST_DIR"
# From here a missing daemon, guest or X server is a failure, not a skip.
export VIREO_REQUIRE_SYSTEM=1

step "format and lint"
cargo fmt --check
cargo clippy --all-targets --no-default-features -- -D warnings
cargo clippy --all-targets -- -D warnings

step "backend without GTK"
if cargo tree --no-default-features -e normal --prefix none | grep -E '^(gtk4|libadwaita|relm4|gdk4|gsk4) '; then
  echo "a GTK crate is in the --no-default-features graph" >&2; exit 1
fi
cargo test --no-default-features

step "everything (real daemon, real guest, app under Xvfb)"
cargo test

step "data files (meson)"
builddir=${CARGO_TARGET_DIR:-target}/meson
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" >/dev/null
meson test -C "$builddir" --suite data --print-errorlogs

step "all tests passed"
