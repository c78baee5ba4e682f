#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a running program's resident memory is: RSS summed per mapping (a library, the heap,
anonymous memory), largest first, from /proc/PID/smaps. Two: side by side, with the
difference, to compare Vireo's console with remote-viewer's on the same guest. A VNC server
may let only one viewer in at a time: `--save FILE` keeps one program's table, and a FILE
given in place of a PID reads it back.

    benches/rss_by_mapping.py PID|FILE [PID|FILE] [--top N] [--save FILE]
"""
import argparse
import collections
import json
import os


def rss_by_mapping(pid):
    """KiB of RSS per mapping name ([heap], [anon], a file's base name)."""
    totals = collections.Counter()
    name = "[anon]"
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if not fields:
                continue
            if not fields[0].endswith(":"):  # a mapping's header: range perms offset dev inode [path]
                name = os.path.basename(fields[5]) if len(fields) > 5 else "[anon]"
            elif fields[0] == "Rss:":
                totals[name] += int(fields[1])
    return totals


def load(what):
    """(program name, table) of a PID, or of a table saved with --save."""
    if what.isdigit():
        with open(f"/proc/{what}/comm") as f:
            return f.read().strip(), rss_by_mapping(what)
    with open(what) as f:
        saved = json.load(f)
    return saved["program"], collections.Counter(saved["rss_kib"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("programs", nargs="+", metavar="PID|FILE")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--save", metavar="FILE")
    args = ap.parse_args()
    loaded = [load(p) for p in args.programs[:2]]
    names = [n for n, _ in loaded]
    tables = [t for _, t in loaded]
    if args.save:
        with open(args.save, "w") as f:
            json.dump({"program": names[0], "rss_kib": tables[0]}, f)
    keys = sorted(set().union(*tables), key=lambda k: -max(t[k] for t in tables))[: args.top]
    head = "| mapping | " + " | ".join(f"{n} MiB" for n in names)
    print(head + (" | difference |" if len(tables) == 2 else " |"))
    print("|---|" + "---:|" * (len(tables) + (len(tables) == 2)))
    for k in keys + ["total"]:
        vals = [sum(t.values()) if k == "total" else t[k] for t in tables]
        row = f"| {k} | " + " | ".join(f"{v / 1024:.1f}" for v in vals)
        if len(vals) == 2:
            row += f" | {(vals[0] - vals[1]) / 1024:+.1f}"
        print(row + " |")


if __name__ == "__main__":
    main()
