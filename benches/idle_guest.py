#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Idle cost with a real guest: Vireo and virt-manager, one after the other in the same run,
each connected to qemu:///system while the project's test guest (TCG, a coloured line a
second) runs. For each: RSS after --settle seconds, then process CPU over --idle seconds,
statistics polled every second.

Run through benches/idle_guest.sh (Xvfb, private session bus, release build). Needs root
and a running libvirtd (build-aux/libvirt-up.sh) and the guest (build-aux/make-test-guest.sh).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import startup  # noqa: E402  (shares its process measurement)

GUEST = "vireo-bench-idle"


def virsh(*args):
    return subprocess.run(["virsh", "-c", "qemu:///system", *args], capture_output=True, text=True)


def start_guest(guest_dir):
    virsh("destroy", GUEST)
    virsh("undefine", GUEST)
    disk = os.path.join(guest_dir, GUEST + ".qcow2")
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"], check=True)
    with open(os.path.join(guest_dir, "vireo-test-vnc.xml")) as f:
        xml = f.read()
    xml = xml.replace("<name>vireo-test-vnc</name>", f"<name>{GUEST}</name>")
    xml = "\n".join(l for l in xml.splitlines() if not l.strip().startswith("<uuid>"))
    xml = xml.replace(os.path.join(guest_dir, "vireo-test-vnc.qcow2"), disk)
    with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
        f.write(xml)
    r = virsh("define", f.name)
    os.unlink(f.name)
    if r.returncode != 0 or virsh("start", GUEST).returncode != 0:
        sys.exit(f"cannot start the test guest: {r.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--guest-dir", default=os.environ.get("VIREO_TEST_GUEST_DIR", "/var/lib/libvirt/images/vireo-test-guest"))
    ap.add_argument("--settle", type=float, default=30.0)
    ap.add_argument("--idle", type=float, default=60.0)
    opts = ap.parse_args()
    start_guest(opts.guest_dir)
    time.sleep(20)  # let it boot: its console then changes once a second
    scratch = tempfile.mkdtemp(prefix="vireo-idle-")
    rows = []
    try:
        runs = [
            ("Vireo", "cairo", [opts.binary, "--connect", "qemu:///system"], "vireo", startup.VIREO_APP_ID),
            ("Vireo", "default", [opts.binary, "--connect", "qemu:///system"], "vireo", startup.VIREO_APP_ID),
            ("virt-manager", "GTK 3", ["virt-manager", "--no-fork", "--connect", "qemu:///system"], "vm", startup.VM_APP_ID),
        ]
        for i, (prog, renderer, argv, kind, app_id) in enumerate(runs):
            env = dict(os.environ, GSETTINGS_BACKEND="memory", XDG_CONFIG_HOME=os.path.join(scratch, str(i)))
            os.makedirs(env["XDG_CONFIG_HOME"], exist_ok=True)
            env.pop("GSK_RENDERER", None)
            if renderer == "cairo":
                env["GSK_RENDERER"] = "cairo"
            if kind == "vireo":
                env["VIREO_BENCH"] = "1"
            startup.log(f"{prog} ({renderer}): {opts.settle:.0f} s settle + {opts.idle:.0f} s idle")
            res = startup.run_instance(kind, argv, env, app_id, None, os.path.join(scratch, f"{i}.log"),
                                       60.0, settle=opts.settle, idle=opts.idle)
            rows.append((prog, renderer, res))
    finally:
        virsh("destroy", GUEST)
        virsh("undefine", GUEST)
        try:
            os.unlink(os.path.join(opts.guest_dir, GUEST + ".qcow2"))
        except OSError:
            pass
    print("| program | renderer | RSS @%.0f s MiB | idle CPU %% over %.0f s |" % (opts.settle, opts.idle))
    print("|---|---|---:|---:|")
    for prog, renderer, res in rows:
        if res.get("ok"):
            print(f"| {prog} | {renderer} | {res['rss_kib'] / 1024:.0f} | {res['idle_cpu_pct']:.1f} |")
        else:
            print(f"| {prog} | {renderer} | failed: {res.get('error')} | |")


if __name__ == "__main__":
    main()
