#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the UI scenarios share: reading the app through the accessibility tree (pyatspi, as
virt-manager's dogtail suite does), driving it through its GActions over the session bus
and through real input (xdotool), starting and quitting it, screenshots, virsh."""


import os
import subprocess
import time

import pyatspi

APP_ID = "org.vireo.Vireo"
OBJ = "/org/vireo/Vireo"
WIN = OBJ + "/window/1"
failures = []


def log(*a):
    print("[ui-test]", *a, flush=True)


def check(cond, what):
    if cond:
        log("ok:", what)
    else:
        log("FAIL:", what)
        failures.append(what)
    return cond


def wait(pred, timeout, what):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = pred()
        except Exception as e:  # the tree changes under us; retry
            last = e
        if last and not isinstance(last, Exception):
            return last
        time.sleep(0.2)
    log(f"timeout ({timeout}s) waiting for {what}; last: {last!r}")
    return None


# ---- accessibility tree ---------------------------------------------------------------

def app_node():
    for a in pyatspi.Registry.getDesktop(0):
        if a is not None and a.name == "vireo":
            return a
    return None


def walk(node, depth=0):
    if node is None or depth > 40:
        return
    yield node
    for c in node:
        yield from walk(c, depth + 1)


def table_rows():
    """(connections, domains) read from the guest list's table rows:
    connections {label: status}, domains {name: {"state", "buttons", "cells"}}."""
    app = app_node()
    if app is None:
        return None
    tables = [n for n in walk(app) if n.getRoleName() == "tree table" and n.name == "Virtual machines"]
    if not tables:
        return None
    conns, doms = {}, {}
    for row in walk(tables[0]):
        if row.getRoleName() != "table row":
            continue
        cells = [c for c in row if c is not None and c.getRoleName() == "table cell"]
        if len(cells) < 2:
            continue  # the header row
        texts = [[n.name for n in walk(c) if n.getRoleName() == "label"] for c in cells]
        buttons = [n.name for n in walk(row) if n.getRoleName() == "push button"]
        if not texts[0]:
            continue
        if "Expand" in buttons or "Collapse" in buttons:
            conns[texts[0][0]] = texts[0][1] if len(texts[0]) > 1 else ""
        else:
            doms[texts[0][0]] = {"state": (texts[1] or [""])[0], "buttons": buttons,
                                 "cells": [t[0] if t else "" for t in texts]}
    return conns, doms


def rows():
    """{name: {"state", "buttons", "cells"}} of the guests the list shows."""
    t = table_rows()
    return t[1] if t else None


def conn_rows():
    t = table_rows()
    return t[0] if t else {}


def headers():
    """Titles of the visible column headers."""
    app = app_node()
    if app is None:
        return []
    out = []
    for n in walk(app):
        if n.getRoleName() == "tree table":
            for h in walk(n):
                if h.getRoleName() == "filler" and h.name == "GtkColumnViewTitle":
                    out += [l.name for l in walk(h) if l.getRoleName() == "label"]
    return out


def labels():
    """Texts of the window's labels. (GTK 4.8 reports no SHOWING state, so a label hidden
    inside a closed revealer still counts: the app empties its banner when it hides it.)"""
    app = app_node()
    if app is None:
        return []
    return [n.name for n in walk(app) if n.getRoleName() == "label"]


def has_label(fragment):
    return any(fragment in t for t in labels())


def state_of(name):
    r = rows() or {}
    return r.get(name, {}).get("state")


# ---- the app --------------------------------------------------------------------------

class App:
    def __init__(self, binary, args, env=None):
        e = dict(os.environ)
        e.setdefault("GSK_RENDERER", "cairo")
        e.update(env or {})
        log("start:", binary, *args)
        self.errlog = f"/tmp/vireo-ui-app-{os.getpid()}-{time.time_ns()}.log"
        with open(self.errlog, "w") as err:
            self.p = subprocess.Popen([binary, *args], env=e, stderr=err)
        ok = wait(lambda: app_node() is not None or self.p.poll() is not None, 30, "app on the accessibility bus")
        if not check(ok is not None and self.p.poll() is None,
                     f"app started and is on the accessibility bus (exit code {self.p.poll()}, DISPLAY={os.environ.get('DISPLAY')})"):
            with open(self.errlog) as err:
                log("app stderr:", err.read()[-2000:])

    def action(self, path, name, *params):
        variants = "[" + ", ".join(params) + "]"
        cmd = ["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", path,
               "--method", "org.gtk.Actions.Activate", name, variants, "{}"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        check(r.returncode == 0, f"D-Bus activate {name}{variants}: {r.stderr.strip()}")

    def quit(self):
        if self.p.poll() is None:
            self.action(OBJ, "quit")
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        check(self.p.returncode == 0, f"app exited cleanly (code {self.p.returncode})")
        # the next instance must not find this one on the bus
        wait(lambda: app_node() is None, 10, "app gone from the bus")

    def alive(self):
        return self.p.poll() is None


def screenshot(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    time.sleep(0.5)  # let the last frame land
    r = subprocess.run(["import", "-window", "root", path])
    check(r.returncode == 0 and os.path.getsize(path) > 5000, f"screenshot {path}")


def virsh(*args):
    r = subprocess.run(["virsh", "-c", "qemu:///system", *args], capture_output=True, text=True)
    return r.stdout.strip()



# ---- real input (X11, no window manager: the pointer's window has the keyboard) ---------

def extents(node):
    """Centre of a node on screen. GTK 4.8 reports window coordinates; without a window
    manager the window sits at the screen's origin, inside its client-side border."""
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    return e.x + e.width // 2 + BORDER, e.y + e.height // 2 + BORDER


BORDER = 4  # the client-side decoration's margin around the window's content


def xdo(*args):
    subprocess.run(["xdotool", *map(str, args)], check=False)


def click(node, modifiers=None):
    x, y = extents(node)
    xdo("mousemove", x, y)
    time.sleep(0.1)
    if modifiers:
        # One xdotool process, so the modifier is surely down while the button is pressed.
        xdo("keydown", modifiers, "sleep", "0.2", "click", 1, "sleep", "0.2", "keyup", modifiers)
    else:
        xdo("click", 1)
    time.sleep(0.3)


def type_text(text):
    xdo("mousemove", 500, 400)
    xdo("type", "--delay", 40, text)


def key(*keys):
    xdo("mousemove", 500, 400)
    xdo("key", *keys)


def find(role, name, root=None):
    """First node with this role and name (or name prefix ending in '*')."""
    root = root or app_node()
    if root is None:
        return None
    for n in walk(root):
        if n.getRoleName() != role:
            continue
        if name.endswith("*") and n.name.startswith(name[:-1]) or n.name == name:
            return n
    return None


def row_node(name):
    """The table row of the guest called `name`."""
    app = app_node()
    if app is None:
        return None
    for row in walk(app):
        if row.getRoleName() != "table row":
            continue
        cells = [c for c in row if c is not None and c.getRoleName() == "table cell"]
        if cells and any(n.getRoleName() == "label" and n.name == name for n in walk(cells[0])):
            return row
    return None


def is_selected(name):
    r = row_node(name)
    return r is not None and r.getState().contains(pyatspi.STATE_SELECTED)
