#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real Vireo app under Xvfb, read through the accessibility tree the way a screen
reader (or virt-manager's dogtail suite) reads it, and driven through its GActions over
the private session bus.

Run inside `xvfb-run … dbus-run-session --` (tests/ui_app.rs does that):

    main_window.py --app BIN --testsuite FILE --artifacts DIR [--system]

Scenarios:
  testsuite   rows of testsuite.xml expose name and state; screenshot; win.start-domain
              over D-Bus starts a shut-off guest and the row turns Running (from the event)
  bad-input   an invalid URI and a refused connection beside a good one: clear messages,
              the good connection's list unaffected
  fallback    no reachable daemon: the embedded test driver, and the window says so
  system      (--system) qemu:///system: D-Bus start of a real QEMU guest confirmed by
              libvirt (virsh); a change made by another client (virsh) reaches the row;
              libvirtd killed: the window says the connection was lost, and recovers
"""

import argparse
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from harness import *  # noqa: F401,F403 (the shared vocabulary of the scenarios)
import harness
import console
import details
import guest_list

# ---- scenarios ------------------------------------------------------------------------

def testsuite(opts):
    tree = ET.parse(opts.testsuite)
    uuids = {d.findtext("name"): d.findtext("uuid") for d in tree.getroot().iter("domain")}
    expected = {
        "test": "Running", "test-cdrom": "Shut off", "test-collide": "Running",
        "test-for-virtxml": "Running", "test-spice": "Running", "test-state-shutoff": "Shut off",
    }
    app = App(opts.app, ["--connect", "test://" + os.path.abspath(opts.testsuite)])
    got = wait(lambda: (r := rows()) and len(r) == 6 and r, 20, "six rows")
    check(got is not None and {k: v["state"] for k, v in got.items()} == expected,
          f"rows expose name and state: {got and {k: v['state'] for k, v in got.items()}}")
    if got:
        check(all(all(b for b in v["buttons"]) for v in got.values()), "every row button has a name")
        check("Start test-cdrom" in got["test-cdrom"]["buttons"], "shut-off row offers 'Start test-cdrom'")
    check(has_label("Test driver (testsuite.xml) — Connected"), "header says which connection and that it is connected")
    check(any(k.startswith("Test driver") and v.startswith("Connected") for k, v in conn_rows().items()),
          f"the connection row says it is connected: {conn_rows()}")
    screenshot(os.path.join(opts.artifacts, "main-window-testsuite.png"))
    context_menu(opts)
    shut = find("push button", "Shut Down Selected")
    check(shut is not None and not shut.getState().contains(pyatspi.STATE_SENSITIVE),
          "with a shut-off guest selected, Shut Down Selected is greyed out")

    app.action(WIN, "start-domain", f"<'{uuids['test-cdrom']}'>")
    check(wait(lambda: state_of("test-cdrom") == "Running", 10, "test-cdrom running") is not None,
          "win.start-domain over D-Bus: the row turns Running from libvirt's event")
    check(wait(lambda: "Shut Down test-cdrom" in rows()["test-cdrom"]["buttons"], 5, "button flips") is not None,
          "the running row's button now offers 'Shut Down test-cdrom'")
    # test-cdrom is still selected (by the right-click): its new state reaches the header.
    shut = find("push button", "Shut Down Selected")
    check(shut is not None and wait(lambda: shut.getState().contains(pyatspi.STATE_SENSITIVE), 5, "shut down")
          is not None, "the selected guest now running, Shut Down Selected is usable")
    # The row's own button: a click starts that guest (the button follows the bound row).
    button = find("push button", "Start test-state-shutoff")
    check(button is not None, "the shut-off row's button is named 'Start test-state-shutoff'")
    if button is not None:
        click(button)
        check(wait(lambda: state_of("test-state-shutoff") == "Running", 10, "clicked guest running") is not None,
              "clicking the row's Start button starts that guest")
    app.action(WIN, "pause-domain", f"<'{uuids['test']}'>")
    check(wait(lambda: state_of("test") == "Paused", 10, "test paused") is not None, "win.pause-domain: Paused")
    # resume a guest that is running: libvirt refuses; the window says so and lives on
    app.action(WIN, "resume-domain", f"<'{uuids['test-collide']}'>")
    check(wait(lambda: has_label("Could not resume “test-collide”"), 10, "error toast") is not None,
          "a refused action shows a toast naming the guest")
    screenshot(os.path.join(opts.artifacts, "error-toast.png"))
    app.action(WIN, "show-error", "<uint32 0>")
    check(wait(lambda: has_label("not paused"), 10, "details dialog") is not None,
          "Details shows libvirt's own message")
    screenshot(os.path.join(opts.artifacts, "error-details.png"))
    check(app.alive(), "app still running after the error")
    # `vireo --connect URI` while Vireo runs: the running window opens the connection.
    second = subprocess.run([opts.app, "--connect", "test:///default"], capture_output=True, text=True, timeout=30)
    check(second.returncode == 0, f"a second 'vireo --connect' hands over and exits: {second.stderr.strip()}")
    check(wait(lambda: has_label("2 of 2 connections up"), 15, "second connection") is not None,
          "the running window opened the second connection")
    app.quit()


def context_menu(opts):
    """A right-click on a row's empty part (beside the name) selects that guest alone and
    opens the selection's menu, whole: its last item is not cut off."""
    label = find("label", "test-cdrom")
    state = next((n for n in walk(app_node()) if n.getRoleName() == "label" and n.name == "State"), None)
    if not check(label is not None and state is not None, "the row's name and the State header are exposed"):
        return
    le = label.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    se = state.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x = (le.x + le.width + se.x) // 2 + BORDER
    y = le.y + le.height // 2 + BORDER
    check(le.x + le.width + 8 < x - BORDER < se.x - 8, f"a point between the name ({le.x + le.width}) and the next "
          f"column ({se.x}): {x - BORDER}")
    xdo("mousemove", x, y, "click", 3)
    check(wait(lambda: is_selected("test-cdrom") and not is_selected("test"), 5, "row selected") is not None,
          "a right-click beside a guest's name selects that guest")
    items = {}

    def menu():
        for n in walk(app_node()):
            if n.getRoleName() == "menu item" and n.name in ("Start", "Shut Down", "Force Off…"):
                items[n.name] = n
        return len(items) == 3 and items
    got = wait(menu, 5, "context menu")
    if check(got is not None, "and opens the selection's menu, from Start to Force Off…"):
        pop = got["Start"].parent
        while pop is not None and pop.getRoleName() != "menu":
            pop = pop.parent
        if check(pop is not None, "the menu is exposed as a menu"):
            pe = pop.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            first = got["Start"].queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            last = got["Force Off…"].queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            top, bottom = first.y - pe.y, pe.y + pe.height - (last.y + last.height)
            screenshot(os.path.join(opts.artifacts, "context-menu.png"))
            check(bottom >= top, f"the menu's last item is whole: {bottom} px below it, {top} px above the first")
        sensitive = lambda n: got[n].getState().contains(pyatspi.STATE_SENSITIVE)
        check(sensitive("Start") and not sensitive("Shut Down"),
              "for a shut-off guest, Start is offered and Shut Down is greyed out")
    key("Escape")
    check(wait(lambda: not any(n.getRoleName() == "menu item" and n.name == "Force Off…"
                               for n in walk(app_node())), 5, "menu closed") is not None,
          "Escape closes the menu")


def bad_input(opts):
    good = "test://" + os.path.abspath(opts.testsuite)
    app = App(opts.app, ["--connect", good, "--connect", "qemu:///sytem",
                         "--connect", "qemu+tcp://127.0.0.1:1/system"])
    check(wait(lambda: (r := rows()) and len(r) == 6, 20, "good connection listed") is not None,
          "the good connection lists its guests beside two bad ones")
    check(wait(lambda: has_label("Cannot connect to “qemu:///sytem”"), 10, "invalid uri toast") is not None
          or any("sytem" in t for t in labels()), "an invalid URI is reported in the window")
    check(wait(lambda: any("Connection refused" in t for t in labels()), 15, "refused banner") is not None,
          "an unreachable host shows libvirt's reason (connection refused) in the window")
    screenshot(os.path.join(opts.artifacts, "bad-input.png"))
    check(app.alive(), "app still running")
    app.quit()
    # --show-domain-console keeps the list hidden; a guest no connection has brings the
    # list up to say so (not a silent process with no window).
    app = App(opts.app, ["--connect", good, "--show-domain-console", "no-such-guest"])
    check(wait(lambda: has_label("No virtual machine is called “no-such-guest”"), 20, "unknown guest toast")
          is not None, "--show-domain-console with an unknown guest shows the list saying so")
    screenshot(os.path.join(opts.artifacts, "unknown-console-guest.png"))
    app.quit()
    # Nor when the only connection fails: the list comes up with the reason.
    app = App(opts.app, ["--connect", "qemu+tcp://127.0.0.1:1/system", "--show-domain-console", "no-such-guest"])
    check(wait(lambda: any("Connection refused" in t for t in labels()), 20, "refused, shown") is not None,
          "--show-domain-console on a connection that fails shows the list with the reason")
    app.quit()


def fallback(opts):
    app = App(opts.app, [], env={"VIREO_SYSTEM_URI": "qemu+unix:///system?socket=/nonexistent/libvirt-sock"})
    check(wait(lambda: has_label("No libvirt daemon is reachable"), 20, "fallback banner") is not None,
          "without a daemon the window says it shows the embedded test driver")
    check(wait(lambda: state_of("test") == "Running", 10, "test:///default row") is not None,
          "the embedded test:///default guest is listed")
    screenshot(os.path.join(opts.artifacts, "fallback.png"))
    app.quit()


TINY = """<domain type='qemu'><name>vireo-ui-test</name><memory unit='MiB'>64</memory>
<os><type arch='x86_64'>hvm</type></os><devices><graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>"""


def system(opts):
    virsh("destroy", "vireo-ui-test")
    virsh("undefine", "vireo-ui-test")
    path = os.path.join(opts.artifacts, "vireo-ui-test.xml")
    with open(path, "w") as f:
        f.write(TINY)
    virsh("define", path)
    uuid = virsh("domuuid", "vireo-ui-test")
    try:
        app = App(opts.app, ["--connect", "qemu:///system"])
        check(wait(lambda: state_of("vireo-ui-test") == "Shut off", 20, "system row") is not None,
              "qemu:///system guest listed as Shut off")
        app.action(WIN, "start-domain", f"<'{uuid}'>")
        check(wait(lambda: virsh("domstate", "vireo-ui-test") == "running", 30, "libvirt says running") is not None,
              "win.start-domain over D-Bus: libvirt confirms the guest runs")
        check(wait(lambda: state_of("vireo-ui-test") == "Running", 10, "row running") is not None,
              "the row shows Running")
        check("Shut Down vireo-ui-test" in (rows() or {}).get("vireo-ui-test", {}).get("buttons", []),
              "the running row offers 'Shut Down vireo-ui-test'")
        screenshot(os.path.join(opts.artifacts, "main-window-system.png"))
        virsh("suspend", "vireo-ui-test")
        check(wait(lambda: state_of("vireo-ui-test") == "Paused", 10, "row paused") is not None,
              "a change made by another client (virsh suspend) reaches the row")
        subprocess.run(["sh", "-c", "kill $(cat /run/libvirtd.pid)"])
        check(wait(lambda: any("Lost the connection" in t for t in labels()), 20, "lost banner") is not None,
              "libvirtd killed: the window says the connection was lost")
        screenshot(os.path.join(opts.artifacts, "connection-lost.png"))
        check(app.alive(), "app still running without the daemon")
        subprocess.run(["bash", opts.libvirt_up], stdout=subprocess.DEVNULL)
        check(wait(lambda: state_of("vireo-ui-test") == "Paused", 60, "row back") is not None,
              "daemon back: the connection recovers and the row is listed again")
        check(not any("Lost the connection" in t for t in labels() if t), "the lost-connection banner is gone")
        app.quit()
    finally:
        if not os.path.exists("/run/libvirtd.pid") or subprocess.run(
                ["sh", "-c", "kill -0 $(cat /run/libvirtd.pid)"]).returncode != 0:
            subprocess.run(["bash", opts.libvirt_up], stdout=subprocess.DEVNULL)
        virsh("destroy", "vireo-ui-test")
        virsh("undefine", "vireo-ui-test")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--app", required=True)
    ap.add_argument("--testsuite", required=True)
    ap.add_argument("--artifacts", required=True)
    ap.add_argument("--libvirt-up", default=os.path.join(os.path.dirname(__file__), "../../build-aux/libvirt-up.sh"))
    ap.add_argument("--system", action="store_true")
    ap.add_argument("--only", default="")
    opts = ap.parse_args()
    os.makedirs(opts.artifacts, exist_ok=True)
    launcher = subprocess.Popen(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])
    time.sleep(1)
    scenarios = [testsuite, bad_input, fallback] + guest_list.SCENARIOS + details.SCENARIOS + ([system] if opts.system else [])
    if opts.system:
        scenarios += guest_list.SYSTEM_SCENARIOS + details.SYSTEM_SCENARIOS + console.SYSTEM_SCENARIOS
    for s in scenarios:
        if opts.only and s.__name__ not in opts.only.split(","):
            continue
        log("==", s.__name__)
        s(opts)
    launcher.terminate()
    if harness.failures:
        log(f"{len(harness.failures)} FAILED:\n  " + "\n  ".join(harness.failures))
        sys.exit(1)
    log("all passed; screenshots in", opts.artifacts)


if __name__ == "__main__":
    main()
