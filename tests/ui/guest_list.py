#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Guest list scenarios (issue 3): a dead connection beside a live one, search filter,
sorting by a column header, hiding a column (remembered across restarts), light and dark
style, multi-select with a bulk start seen in libvirt, and live graphs of a real guest.

Run through main_window.py, which owns the X server, the buses and the results."""

import os
import subprocess
import time

import pyatspi

from harness import (App, BORDER, WIN, OBJ, check, click, conn_rows, find, has_label, headers,
                     is_selected, key, log, rows, screenshot, type_text, virsh, wait)


def _uri(opts):
    return "test://" + os.path.abspath(opts.testsuite)


def _silent_host():
    """A TCP port that accepts connections and never answers: a host that hangs."""
    import socket
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    return srv


def list_views(opts):
    silent = _silent_host()
    hung = f"qemu+tcp://127.0.0.1:{silent.getsockname()[1]}/system"
    app = App(opts.app, ["--connect", _uri(opts), "--connect", "qemu+tcp://127.0.0.1:1/system", "--connect", hung])
    check(wait(lambda: (r := rows()) and len(r) == 6, 20, "six rows") is not None, "the live connection lists six guests")
    dead = wait(lambda: next((v for k, v in conn_rows().items() if "127.0.0.1" in k and "refused" in v), None),
                15, "dead connection row")
    check(dead is not None, f"the dead connection's row shows its error: {conn_rows()}")
    # The live connection keeps updating beside the dead one.
    uuid = _uuid(opts, "test-cdrom")
    app.action(WIN, "start-domain", f"<'{uuid}'>")
    check(wait(lambda: (rows() or {}).get("test-cdrom", {}).get("state") == "Running", 10, "live update") is not None,
          "the live connection keeps updating while the other is dead")
    check(any(v.startswith("Connecting") for k, v in conn_rows().items() if str(silent.getsockname()[1]) in k),
          f"a host that never answers stays 'Connecting…' without blocking anything: {conn_rows()}")

    # Search: typing into the window opens the search bar and filters.
    type_text("spice")
    got = wait(lambda: (r := rows()) is not None and list(r) == ["test-spice"] and r, 10, "filtered")
    check(got is not None, f"typing 'spice' leaves only test-spice: {list((rows() or {}))}")
    screenshot(os.path.join(opts.artifacts, "search.png"))
    type_text("zzz")
    check(wait(lambda: has_label("No Results Found"), 10, "no match page") is not None,
          "a search that matches nothing says so")
    key("Escape")
    check(wait(lambda: (r := rows()) and len(r) == 6, 10, "filter cleared") is not None,
          "Escape ends the search and shows every guest again")

    # Sort: the Name header toggles to descending.
    before = list(rows() or {})
    header = find("label", "Name")
    if check(header is not None, "the Name column header is exposed"):
        click(header)
    after = wait(lambda: (r := list(rows() or {})) and r != before and r, 10, "re-sorted")
    check(after == sorted(before, reverse=True), f"clicking Name sorts descending: {after}")

    # Hide a column; it stays hidden after a restart.
    check("CPU" in headers(), "the CPU column is shown at first")
    app.action(WIN, "column-cpu")
    check(wait(lambda: "CPU" not in headers(), 10, "cpu hidden") is not None, "win.column-cpu hides the CPU column")

    silent.close()
    # Light and dark.
    app.action(OBJ, "style", "<'light'>")
    screenshot(os.path.join(opts.artifacts, "main-window-light.png"))
    app.action(OBJ, "style", "<'dark'>")
    screenshot(os.path.join(opts.artifacts, "main-window-dark.png"))
    app.quit()

    app = App(opts.app, ["--connect", _uri(opts)])
    wait(lambda: (r := rows()) and len(r) == 6, 20, "rows")
    check("CPU" not in headers() and "Memory" in headers(), f"the hidden column stays hidden after a restart: {headers()}")
    app.action(WIN, "column-cpu")
    check(wait(lambda: "CPU" in headers(), 10, "cpu shown") is not None, "and comes back when shown again")
    app.quit()


def _uuid(opts, name):
    import xml.etree.ElementTree as ET
    for d in ET.parse(opts.testsuite).getroot().iter("domain"):
        if d.findtext("name") == name:
            return d.findtext("uuid").lower()
    return ""


TINY = """<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os><devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>"""


def bulk_start(opts):
    names = ["vireo-ui-a", "vireo-ui-b", "vireo-ui-c"]
    for n in names:
        virsh("destroy", n)
        virsh("undefine", n)
        path = os.path.join(opts.artifacts, n + ".xml")
        with open(path, "w") as f:
            f.write(TINY.format(name=n))
        virsh("define", path)
    try:
        app = App(opts.app, ["--connect", "qemu:///system"])
        check(wait(lambda: all((rows() or {}).get(n, {}).get("state") == "Shut off" for n in names), 20, "rows")
              is not None, "three shut-off guests listed")
        # Click the first, Shift+Down extends to the second: a real multi-selection, made
        # with the pointer and the keyboard.
        a = find("label", names[0])
        if check(a is not None, "guest rows exposed"):
            click(a)
            key("shift+Down")
        check(wait(lambda: is_selected(names[0]) and is_selected(names[1]) and not is_selected(names[2]), 5,
                   "two selected") is not None, "click + Shift+Down selects two guests")
        start = find("push button", "Start Selected")
        if check(start is not None, "the Start Selected button is exposed"):
            click(start)
        check(wait(lambda: all(virsh("domstate", n) == "running" for n in names[:2]), 30, "both running")
              is not None, "bulk start: libvirt runs both selected guests")
        check(virsh("domstate", names[2]) == "shut off", "the unselected guest stays off")
        check(wait(lambda: all((rows() or {}).get(n, {}).get("state") == "Running" for n in names[:2]), 10,
                   "rows running") is not None, "both rows show Running")
        # Live statistics: the graph cells of a running guest say their value in words.
        graph = wait(lambda: find("image", "CPU *"), 15, "cpu graph")
        check(graph is not None and "%" in graph.name, f"a running guest's CPU graph tells its value: {graph and graph.name}")
        screenshot(os.path.join(opts.artifacts, "bulk-start.png"))
        # The connection overview graphs the host.
        app.action(WIN, "conn-details", "<uint32 1>")
        host = wait(lambda: (g := find("image", "Host CPU usage *")) and "%" in g.name and g, 15, "host graph")
        check(host is not None, f"the connection overview graphs the host's CPU: {host and host.name}")
        check(find("image", "Host memory in use *") is not None, "and its memory")
        screenshot(os.path.join(opts.artifacts, "connection-overview.png"))
        app.quit()

        # --show-domain-performance opens the guest's Performance page with its graphs.
        app = App(opts.app, ["--connect", "qemu:///system", "--show-domain-performance", names[0]])
        frame = wait(lambda: find("frame", names[0]), 20, "details window")
        check(frame is not None, "--show-domain-performance opens a window titled with the guest's name")
        cpu = wait(lambda: (g := find("image", "CPU usage *", frame)) and "%" in g.name and g, 15, "cpu graph")
        check(cpu is not None, f"its CPU graph says its value: {cpu and cpu.name}")
        for words in ("Memory in use *", "Disk read *", "Network received *"):
            check(find("image", words, frame) is not None, f"a graph for {words[:-2]}")
        screenshot(os.path.join(opts.artifacts, "performance.png"))
        app.quit()
    finally:
        for n in names:
            virsh("destroy", n)
            virsh("undefine", n)


LOCKED = """<node><auth><user password='s3cret'>alice</user></auth>
<domain type='test'><name>locked-vm</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os></domain></node>"""


def credentials(opts):
    """A connection that asks for a user name and password gets them from a dialog."""
    path = os.path.abspath(os.path.join(opts.artifacts, "locked-node.xml"))
    with open(path, "w") as f:
        f.write(LOCKED)
    app = App(opts.app, ["--connect", "test://" + path])
    check(wait(lambda: has_label("Log In to Test driver (locked-node.xml)"), 15, "login dialog") is not None,
          "the connection asks for credentials in a dialog")
    screenshot(os.path.join(opts.artifacts, "login.png"))
    type_text("alice")
    key("Return")
    # libvirt asks for the password in a second round.
    time.sleep(1.0)
    type_text("s3cret")
    key("Return")
    check(wait(lambda: "locked-vm" in (rows() or {}), 15, "listed after login") is not None,
          "after logging in, the connection lists its guest")
    app.quit()


def connecting_spinner(opts):
    """A host that does not answer yet: the window says "Connecting…" over a turning
    spinner (ours: GTK's is an SVG icon, and the first SVG loads librsvg)."""
    silent = _silent_host()
    app = App(opts.app, ["--connect", f"qemu+tcp://127.0.0.1:{silent.getsockname()[1]}/system"])
    try:
        check(wait(lambda: find("label", "Connecting…"), 15, "connecting page") is not None,
              "a connection that does not answer yet shows 'Connecting…'")
        spinner = wait(lambda: find("progress bar", "Busy"), 10, "spinner")
        if check(spinner is not None, "the connecting page has a spinner, exposed as a 'Busy' progress bar"):
            e = spinner.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            crop = f"{e.width}x{e.height}+{e.x + BORDER}+{e.y + BORDER}"
            shots = [os.path.join(opts.artifacts, f"connecting-spinner-{i}.png") for i in range(2)]
            for path in shots:
                subprocess.run(["import", "-window", "root", "-crop", crop, "+repage", path], check=False)
                time.sleep(0.3)
            stats = [subprocess.run(["convert", p, "-colorspace", "gray", "-format", "%[fx:mean]", "info:"],
                                    capture_output=True, text=True).stdout.strip() for p in shots]
            diff = subprocess.run(["compare", "-metric", "AE", *shots, "null:"], capture_output=True, text=True)
            changed = diff.stderr.strip().split(" ")[0]
            check(all(s and float(s) < 0.95 for s in stats) and changed.isdigit() and int(changed) > 20,
                  f"the spinner is drawn and turns (mean grey {stats}, {changed} pixels changed in 0.3 s)")
        screenshot(os.path.join(opts.artifacts, "connecting.png"))
        with open(f"/proc/{app.p.pid}/maps") as f:
            check("librsvg" not in f.read(), "connecting loads no SVG renderer")
    finally:
        app.quit()
        silent.close()


SCENARIOS = [list_views, credentials, connecting_spinner]
SYSTEM_SCENARIOS = [bulk_start]
