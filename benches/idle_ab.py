#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A/B idle CPU of two (or more) Vireo binaries measured side by side, in the same period.

Every binary runs at the same time, each in its own Xvfb and private session bus, connected
to its own test-driver document with N running domains (statistics every second, the
default). After --settle seconds, each process's CPU time (the sum of its threads'
/proc/PID/task/*/schedstat, nanosecond resolution) is read over --idle seconds. Running
them together makes the load of a shared machine hit every binary alike; --rounds repeats
with the launch order reversed. Also prints each run's `list-painted` start-up figure.

    benches/idle_ab.py --n 1000 --settle 30 --idle 60 --rounds 2 OLD_BINARY NEW_BINARY

Standard library only; needs xvfb-run and dbus-run-session.
"""

import argparse
import os
import re
import signal
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def cpu_seconds(pid):
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # a thread that just ended
    return total / 1e9


def vireo_below(root, binary):
    """The pid of `binary` among root's descendants (xvfb-run → dbus-run-session → vireo)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    kids, args = {}, {}
    for line in out.splitlines():
        pid, ppid, a = line.split(None, 2)
        kids.setdefault(int(ppid), []).append(int(pid))
        args[int(pid)] = a
    todo = [root]
    while todo:
        p = todo.pop()
        if p != root and args.get(p, "").startswith(binary + " "):
            return p
        todo += kids.get(p, [])
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="running test-driver domains (10, 100 or 1000)")
    ap.add_argument("--settle", type=float, default=30.0)
    ap.add_argument("--idle", type=float, default=60.0)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--renderer", default="cairo", help="GSK_RENDERER; 'default' leaves it unset")
    ap.add_argument("binaries", nargs="+")
    a = ap.parse_args()
    binaries = [os.path.abspath(b) for b in a.binaries]
    target = os.path.abspath(os.path.join(ROOT, os.environ.get("CARGO_TARGET_DIR") or "target"))
    td = os.path.join(target, "bench", "testdriver")
    logs = os.path.join(target, "bench", "logs")
    os.makedirs(logs, exist_ok=True)
    subprocess.run([os.path.join(ROOT, "build-aux", "make-testdriver-files.sh"), td],
                   check=True, stdout=subprocess.DEVNULL)

    results = {b: [] for b in binaries}
    for r in range(a.rounds):
        order = binaries if r % 2 == 0 else binaries[::-1]
        running = []
        for i, b in enumerate(order):
            # The test driver runs inside each process: the instances share no state.
            env = dict(os.environ, GSETTINGS_BACKEND="memory", VIREO_BENCH="1",
                       XDG_CONFIG_HOME=tempfile.mkdtemp(prefix="vireo-ab-"))
            env.pop("GSK_RENDERER", None)
            env.pop("GDK_DEBUG", None)
            if a.renderer != "default":
                env["GSK_RENDERER"] = a.renderer
            log = os.path.join(logs, f"ab-{r + 1}-{i + 1}-{os.path.basename(b)}.log")
            with open(log, "wb") as f:
                p = subprocess.Popen(
                    ["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", "dbus-run-session", "--",
                     b, "--connect", f"test://{td}/test-{a.n}.xml"],
                    env=env, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
            running.append((b, p, log))
            time.sleep(1.5)  # xvfb-run -a picks a display number; do not race it
        time.sleep(a.settle)
        pids = [vireo_below(p.pid, b) for b, p, _ in running]
        c0, t0 = [cpu_seconds(x) for x in pids], time.monotonic()
        time.sleep(a.idle)
        c1, t1 = [cpu_seconds(x) for x in pids], time.monotonic()
        for (b, p, log), u0, u1 in zip(running, c0, c1):
            os.killpg(p.pid, signal.SIGTERM)
        for b, p, log in running:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        for (b, p, log), u0, u1 in zip(running, c0, c1):
            pct = 100.0 * (u1 - u0) / (t1 - t0)
            with open(log, "rb") as f:
                m = re.search(rb"list-painted domains=\d+ ms=([\d.]+)", f.read())
            painted = m.group(1).decode() if m else "?"
            results[b].append(pct)
            print(f"round {r + 1}: {b}: idle CPU {pct:.2f} %, list painted {painted} ms", flush=True)
    for b, v in results.items():
        print(f"{b}: idle CPU " + ", ".join(f"{x:.2f}" for x in v) + f" %; mean {sum(v) / len(v):.2f} %")


if __name__ == "__main__":
    main()
