#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# startup.sh [startup.py options] — start-up + memory benchmark (see benches/startup.py --help):
# builds the release binary (honouring CARGO_TARGET_DIR), then runs startup.py under Xvfb and a
# private session bus. Report: stdout and $CARGO_TARGET_DIR/bench/startup.md (default target/).
#   benches/startup.sh                        full run (virt-manager compared when installed)
#   benches/startup.sh --with-virt-manager    install virt-manager first if missing (apt-get)
#   benches/startup.sh --runs 3 --settle 10   quicker
#   benches/startup.sh --no-build ...         skip the cargo build (must be the first argument)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT"
CARGO_TARGET_DIR=$(realpath -m "${CARGO_TARGET_DIR:-$ROOT/target}")
export CARGO_TARGET_DIR

for tool in xvfb-run dbus-run-session; do
  command -v "$tool" >/dev/null || { echo "startup.sh: $tool is missing (apt-get install xvfb dbus)" >&2; exit 2; }
done

# The exact command, for the report's first line.
VIREO_BENCH_COMMAND="benches/startup.sh"
for a in "$@"; do
  if [[ $a =~ ^[A-Za-z0-9_./:=,+-]+$ ]]; then VIREO_BENCH_COMMAND+=" $a"; else VIREO_BENCH_COMMAND+=" ${a@Q}"; fi
done
export VIREO_BENCH_COMMAND

if [ "${1:-}" = --no-build ]; then
  shift # measure whatever release binary is there (or --binary PATH)
else
  cargo build --release --bin vireo
fi

# Services the session bus starts (the accessibility registry) inherit its stdout and print to
# it: give everything under xvfb-run stderr as stdout, and the report the real stdout as fd 3.
export VIREO_BENCH_REPORT_FD=3
exec xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \
  "${PYTHON:-/usr/bin/python3}" "$HERE/startup.py" "$@" 3>&1 1>&2
