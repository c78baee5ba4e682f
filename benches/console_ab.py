#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A/B console CPU: two or more Vireo binaries and remote-viewer, interleaved round by round
on the same running test guest, so that the machine's drift hits every program alike (single
30 s runs of the same program swing by ±0.5 points here). Prints each round and the medians.

    xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- \\
        python3 benches/console_ab.py --protocol spice --load flood --rounds 4 OLD_BINARY NEW_BINARY

--window-manager runs openbox on the display first, as a desktop has one (see console.py's
start_window_manager for what that changes for GTK 4).

Needs root, libvirtd and the test guest (build-aux/libvirt-up.sh, build-aux/make-test-guest.sh);
defines, boots and removes its own guest from the test guest's template (see console.py)."""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console import define, measure, start_window_manager, viewer_uri, virsh  # noqa: E402


def cpu_percent(cmd, settle, seconds):
    """The program's CPU % over `seconds` after `settle` (console.measure), NaN if it died."""
    res = measure(cmd, dict(os.environ, GSETTINGS_BACKEND="memory"), settle, seconds)
    return res[0] if res else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binaries", nargs="+")
    ap.add_argument("--protocol", default="spice", choices=["vnc", "spice"])
    ap.add_argument("--load", default="flood", choices=["normal", "flood"])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--settle", type=float, default=8)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--no-remote-viewer", action="store_true")
    ap.add_argument("--window-manager", action="store_true",
                    help="run openbox on the display first, as a desktop has a window manager")
    opts = ap.parse_args()
    wm = start_window_manager() if opts.window_manager else None
    if opts.window_manager and wm is None:
        sys.exit("--window-manager: openbox is not installed (apt-get install openbox)")
    name = "vireo-bench-console-ab"
    define(name, opts.protocol, opts.load == "flood")
    virsh("start", name, check=True)
    try:
        time.sleep(20)  # boot (TCG)
        progs = {b: [b, "--connect", "qemu:///system", "--show-domain-console", name] for b in opts.binaries}
        if not opts.no_remote_viewer:
            progs["remote-viewer"] = ["remote-viewer", viewer_uri(virsh("domdisplay", name))]
        results = {k: [] for k in progs}
        for r in range(opts.rounds):
            for k, cmd in progs.items():
                results[k].append(cpu_percent(cmd, opts.settle, opts.seconds))
                time.sleep(1)
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} %" for k, v in results.items()), flush=True)
        print(f"medians ({opts.protocol}, {opts.load}, {opts.rounds} rounds of {opts.seconds:g} s, "
              f"{'openbox' if wm else 'no window manager'}): "
              + ", ".join(f"{k} {statistics.median(v):.2f} %" for k, v in results.items()))
    finally:
        virsh("destroy", name)
        virsh("undefine", name)
        if wm:
            wm.terminate()


if __name__ == "__main__":
    main()
