#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# How meson runs cargo (see meson.build):
#   cargo.sh build SOURCE_ROOT BUILD_ROOT PROFILE OUTPUT   cargo build --profile PROFILE, copy
#                                                          the vireo binary to OUTPUT
#   cargo.sh test  SOURCE_ROOT BUILD_ROOT [ARGS…]          cargo test ARGS…
# APP_ID, VERSION and LOCALEDIR arrive in the environment from meson; src/config.rs reads them
# at compile time. An existing CARGO_TARGET_DIR (a CI cache, a shared target) is honoured;
# otherwise cargo builds in BUILD_ROOT/target.
set -euo pipefail

mode=$1 source_root=$2 build_root=$3
shift 3
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$build_root/target}
manifest=$source_root/Cargo.toml

case $mode in
  build)
    profile=$1 output=$2
    cargo build --manifest-path "$manifest" --profile "$profile" --bin vireo
    # cargo names the dev profile's directory "debug"
    [ "$profile" = dev ] && dir=debug || dir=$profile
    cp "$CARGO_TARGET_DIR/$dir/vireo" "$output"
    ;;
  test)
    exec cargo test --manifest-path "$manifest" "$@"
    ;;
  *)
    echo "usage: $0 build|test SOURCE_ROOT BUILD_ROOT …" >&2
    exit 2
    ;;
esac
