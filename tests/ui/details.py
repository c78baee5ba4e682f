#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Details window scenarios (issue 4): rename a guest and edit its title on the Overview page,
and apply broken XML on the XML page — libvirt's refusal shows, the text stays.

Run through main_window.py, which owns the X server, the buses and the results."""

import os
import time

from harness import (App, app_node, check, click, find, has_label, key, rows, screenshot,
                     type_text, wait, walk)


def _field(frame, name):
    return next((n for n in walk(frame) if n.getRoleName() == "text" and n.name == name), None)


def _buttons(frame, name):
    # GTK 4.8 names a button with a mnemonic label "Apply Apply" (its label twice).
    return [n for n in walk(frame) if n.getRoleName() == "push button" and n.name.split(" ")[0] == name]


def _replace_text(node, text):
    click(node)
    key("ctrl+a")
    type_text(text)


def editor(opts):
    uri = "test://" + os.path.abspath(opts.testsuite)
    app = App(opts.app, ["--connect", uri, "--show-domain-editor", "test-state-shutoff"])
    frame = wait(lambda: find("frame", "test-state-shutoff"), 20, "details window")
    if not check(frame is not None, "--show-domain-editor opens the guest's details window"):
        app.quit()
        return
    name, title = _field(frame, "Name"), _field(frame, "Title")
    check(name is not None and title is not None, "the Overview exposes its Name and Title fields")
    _replace_text(name, "renamed-vm")
    _replace_text(title, "Build box")
    apply = _buttons(frame, "Apply")
    if check(bool(apply), "the Overview has an Apply button"):
        click(apply[0])
    check(wait(lambda: "renamed-vm" in (rows() or {}), 10, "renamed row") is not None,
          "Apply renames the guest (the list shows the new name from libvirt)")
    check(wait(lambda: (rows() or {}).get("renamed-vm", {}).get("cells", [""])[0] == "renamed-vm"
               and has_label("Build box"), 10, "title") is not None, "and sets its title")
    frame = wait(lambda: find("frame", "renamed-vm"), 5, "retitled window")
    check(frame is not None, "the details window follows the rename")
    screenshot(os.path.join(opts.artifacts, "details-overview.png"))

    # Broken XML: libvirt refuses, the message shows, the text stays.
    tab = find("page tab", "XML", frame)
    if check(tab is not None, "the XML page tab is exposed"):
        click(tab)
    editor = wait(lambda: _field(frame, "XML definition"), 5, "xml editor")
    if check(editor is not None, "the XML page has its editor"):
        _replace_text(editor, "<domain type='test'><name>broken")
        buttons = _buttons(frame, "Apply")
        click(buttons[-1])
    check(wait(lambda: has_label("libvirt refused the definition*") or any(
        t.startswith("libvirt refused the definition") for t in _labels(frame)), 10, "refusal") is not None,
        "applying broken XML shows libvirt's refusal")
    text = editor.queryText().getText(0, -1) if editor is not None else ""
    check("broken" in text, "the user's text stays in the editor")
    check("renamed-vm" in (rows() or {}), "the guest is unchanged")
    screenshot(os.path.join(opts.artifacts, "details-xml-refused.png"))
    app.quit()


def _labels(frame):
    return [n.name for n in walk(frame) if n.getRoleName() == "label"]


SCENARIOS = [editor]
