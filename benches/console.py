#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Console benchmark: Vireo's console versus remote-viewer (virt-viewer) showing the same
running test guest, one after the other in the same run, under the same Xvfb: process CPU
(utime + stime from /proc over the measuring window, after a settle) and RSS at its end.
Run through benches/console.sh (it builds, and starts Xvfb and a session bus)."""

import argparse
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GUEST_DIR = os.environ.get("VIREO_TEST_GUEST_DIR", "/var/lib/libvirt/images/vireo-test-guest")
TICK = os.sysconf("SC_CLK_TCK")


def virsh(*args, check=False):
    r = subprocess.run(["virsh", "-c", "qemu:///system", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"virsh {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout.strip()


def define(name, protocol, flood):
    with open(os.path.join(GUEST_DIR, f"vireo-test-{protocol}.xml")) as f:
        xml = f.read()
    disk = os.path.join(GUEST_DIR, name + ".qcow2")
    if os.path.exists(disk):
        os.remove(disk)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"], check=True)
    xml = re.sub(r"<name>[^<]*</name>", f"<name>{name}</name>", xml, count=1)
    xml = re.sub(r"\s*<uuid>[^<]*</uuid>", "", xml, count=1)
    xml = re.sub(r"<source file='[^']*\.qcow2'/>", f"<source file='{disk}'/>", xml, count=1)
    if flood:
        # Direct kernel boot, to pass vireo.flood=1 (the ISO's boot line is fixed).
        boot = (f"<kernel>{GUEST_DIR}/vmlinuz</kernel><initrd>{GUEST_DIR}/initrd.gz</initrd>"
                "<cmdline>console=ttyS0,115200 console=tty0 vireo.flood=1</cmdline>")
        xml = xml.replace("<boot dev='cdrom'/>", boot, 1)
    path = f"/tmp/{name}.xml"
    with open(path, "w") as f:
        f.write(xml)
    virsh("destroy", name)
    virsh("undefine", name)
    virsh("define", path, check=True)


def viewer_uri(uri):
    """virsh prints a VNC display number (vnc://host:0) where remote-viewer wants the port."""
    m = re.match(r"vnc://([^:/]+):(\d+)$", uri)
    if m and int(m.group(2)) < 5900:
        return f"vnc://{m.group(1)}:{5900 + int(m.group(2))}"
    return uri


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def x_server_pid():
    """The Xvfb serving $DISPLAY: drawing is shared between a viewer and the X server (GTK 3
    composites in the server, GTK 4's cairo renderer in the client), so both are measured."""
    display = os.environ.get("DISPLAY", "")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and os.path.basename(argv[0]) == b"Xvfb" and display.encode() in argv:
            return int(pid)
    return None


def measure(cmd, env, settle, seconds, shot=None):
    """CPU % and RSS (MiB) of the program over `seconds` after `settle`, and the X server's
    CPU % over the same time; a screenshot of the screen at the end goes to `shot`, to see
    what was measured."""
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle)
        if p.poll() is not None:
            return None
        xs = x_server_pid()
        x0 = cpu_ticks(xs) if xs else 0
        c0, t0 = cpu_ticks(p.pid), time.monotonic()
        time.sleep(seconds)
        c1, t1 = cpu_ticks(p.pid), time.monotonic()
        x1 = cpu_ticks(xs) if xs else 0
        rss = rss_mib(p.pid)
        if shot:
            subprocess.run(["import", "-window", "root", shot], capture_output=True)
        pct = lambda ticks: 100.0 * ticks / TICK / (t1 - t0)
        return pct(c1 - c0), rss, pct(x1 - x0) if xs else float("nan")
    finally:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def start_window_manager():
    """Openbox on $DISPLAY, as every desktop has a window manager, or None when it is not
    installed. Without one, GTK 4.8 asks the X server for the window manager's check window
    at each frame, twice (gdk_x11_screen_supports_net_wm_hint: its 15 s throttle only starts
    once a window manager was found), two round trips per frame that no desktop pays; GTK 3
    throttles the same check."""
    if subprocess.run(["which", "openbox"], capture_output=True).returncode != 0:
        return None
    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        r = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], capture_output=True, text=True)
        if "window id" in r.stdout:
            return wm
        time.sleep(0.1)
    return wm


def gpu_note():
    """What Vireo's default renderer is on this machine (see `choose_renderer`)."""
    dri = "/dev/dri"
    gpu = os.path.isdir(dri) and any(n.startswith("renderD") for n in os.listdir(dri))
    return "GL: a GPU render node exists" if gpu else "cairo: no GPU"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                     "release/vireo"))
    ap.add_argument("--protocol", default="vnc", choices=["vnc", "spice"])
    ap.add_argument("--settle", type=float, default=10)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--loads", default="normal,flood")
    ap.add_argument("--renderers", default="default,gl",
                    help="'default' leaves GSK_RENDERER unset (Vireo picks cairo without a GPU); "
                         "other names set it (cairo, gl)")
    ap.add_argument("--window-manager", action="store_true",
                    help="run openbox on the display first, as a desktop has a window manager")
    opts = ap.parse_args()
    wm = start_window_manager() if opts.window_manager else None
    if opts.window_manager and wm is None:
        sys.exit("--window-manager: openbox is not installed (apt-get install openbox)")
    report = os.fdopen(int(os.environ.get("VIREO_BENCH_REPORT_FD", "1")), "w")
    have_rv = subprocess.run(["which", "remote-viewer"], capture_output=True).returncode == 0
    have_vv = subprocess.run(["which", "virt-viewer"], capture_output=True).returncode == 0
    lines = [f"# Console benchmark ({opts.protocol}, settle {opts.settle:g} s, measured {opts.seconds:g} s)", "",
             f"Command: `{os.environ.get('VIREO_BENCH_COMMAND', 'benches/console.sh')}`", "",
             "CPU is % of one core. The X server (Xvfb) column is its CPU over the same seconds: GTK 3 "
             "composites in the X server, GTK 4's cairo renderer in the client, so the sum is the "
             "drawing's whole cost.", "",
             "Window manager: " + ("openbox" if wm else "none (bare Xvfb)") + ".", "",
             "| load | program | renderer | CPU % | X server CPU % | sum | RSS MiB |",
             "|---|---|---|---:|---:|---:|---:|"]
    name = "vireo-bench-console"
    out_dir = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "bench")
    os.makedirs(out_dir, exist_ok=True)
    shot = lambda *parts: os.path.join(out_dir, "console-" + "-".join(parts) + ".png")
    for load in opts.loads.split(","):
        define(name, opts.protocol, load == "flood")
        virsh("start", name, check=True)
        time.sleep(20)  # boot (TCG)
        env = dict(os.environ)
        rows = []
        # remote-viewer twice. The first GTK 3 program on an X display loads the GL driver
        # (llvmpipe here) to choose its visual and caches the choice in the root window's
        # GDK_VISUALS property; later ones skip that and use about half the memory. A user's
        # session has it cached after its first GTK 3 program; PLATFORM.md's figure is the
        # first start's.
        if have_rv:
            uri = viewer_uri(virsh("domdisplay", name))
            subprocess.run(["xprop", "-root", "-remove", "GDK_VISUALS"], capture_output=True)
            for tag, label in (("first", "GTK 3, first start (probes GL)"),
                               ("cached", "GTK 3, GL probe cached")):
                res = measure(["remote-viewer", uri], env, opts.settle, opts.seconds,
                              shot(load, "remote-viewer", tag))
                rows.append(("remote-viewer", label, res))
            # virt-viewer opens the guest through libvirt as Vireo does (--attach: the
            # display's socket from virDomainOpenGraphicsFD), so it carries the libvirt
            # client too; remote-viewer, given the display's URI, does not.
            if have_vv:
                res = measure(["virt-viewer", "--attach", "--connect", "qemu:///system", name], env,
                              opts.settle, opts.seconds, shot(load, "virt-viewer"))
                rows.append(("virt-viewer --attach", "GTK 3, GL probe cached", res))
        for r in opts.renderers.split(","):
            e = dict(env)
            # default: the app's own choice (cairo without a GPU); else GSK_RENDERER=r.
            if r == "default":
                e.pop("GSK_RENDERER", None)
            else:
                e["GSK_RENDERER"] = r
            res = measure([opts.binary, "--connect", "qemu:///system", "--show-domain-console", name], e,
                          opts.settle, opts.seconds, shot(load, "vireo", r))
            rows.append(("Vireo", r, res))
        for prog, r, res in rows:
            cpu, rss, xcpu = res if res else (float("nan"),) * 3
            label = f"default ({gpu_note()})" if r == "default" and prog == "Vireo" else r
            lines.append(f"| {load} | {prog} | {label} | {cpu:.1f} | {xcpu:.1f} | {cpu + xcpu:.1f} | {rss:.0f} |")
        virsh("destroy", name)
    virsh("undefine", name)
    if not have_rv:
        lines += ["", "remote-viewer is not installed (apt-get install virt-viewer): no comparison."]
    text = "\n".join(lines) + "\n"
    out = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "bench", "console.md")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        f.write(text)
    report.write(text)
    report.flush()
    if wm:
        wm.terminate()


if __name__ == "__main__":
    main()
