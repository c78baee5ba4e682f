# SPDX-License-Identifier: GPL-3.0-or-later
"""The console page against the real test guest (TCG) on qemu:///system, once over VNC and
once over SPICE: the widget's frame is lit and changes, real X key presses and a click on
the widget reach the guest (it logs its input events to a serial log file), Send Key
Ctrl+Alt+Del reaches it, the widget's screenshot equals `virsh screenshot`, and a killed
guest is shown as not running, then reconnects when started again."""

import os
import re
import subprocess
import time

import pyatspi
from harness import BORDER, App, app_node as app_root, check, click, extents, find, log, screenshot, virsh, wait, walk, xdo, OBJ

GUEST_DIR = os.environ.get("VIREO_TEST_GUEST_DIR", "/var/lib/libvirt/images/vireo-test-guest")


def define_guest(name, template, artifacts, passwd=None):
    """A guest of our own from the template: own disk, serial port logged to a file."""
    with open(os.path.join(GUEST_DIR, template)) as f:
        xml = f.read()
    disk = os.path.join(GUEST_DIR, name + ".qcow2")
    logdir = os.path.join(GUEST_DIR, "logs")
    os.makedirs(logdir, exist_ok=True)
    serial = os.path.join(logdir, name + ".serial.log")
    for p in (disk, serial):
        if os.path.exists(p):
            os.remove(p)
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", disk, "64M"], check=True)
    xml = re.sub(r"<name>[^<]*</name>", f"<name>{name}</name>", xml, count=1)
    xml = re.sub(r"\s*<uuid>[^<]*</uuid>", "", xml, count=1)
    xml = re.sub(r"<source file='[^']*\.qcow2'/>", f"<source file='{disk}'/>", xml, count=1)
    xml = xml.replace("<serial type='pty'>", f"<serial type='pty'><log file='{serial}' append='off'/>", 1)
    if passwd:
        xml = xml.replace("<graphics ", f"<graphics passwd='{passwd}' ", 1)
    path = os.path.join(artifacts, name + ".xml")
    with open(path, "w") as f:
        f.write(xml)
    virsh("destroy", name)
    virsh("undefine", name)
    virsh("define", path)
    return serial


def serial_has(path, needle):
    try:
        with open(path, errors="replace") as f:
            return needle in f.read()
    except OSError:
        return False


def mean_brightness(png):
    r = subprocess.run(["convert", png, "-colorspace", "gray", "-format", "%[fx:mean]", "info:"],
                       capture_output=True, text=True)
    try:
        return float(r.stdout.strip())
    except ValueError:
        return -1.0


def rmse(a, b):
    """Normalised RMSE between two images, the second scaled to the first's size."""
    scaled = b + ".scaled.png"
    size = subprocess.run(["identify", "-format", "%wx%h", a], capture_output=True, text=True).stdout.strip()
    subprocess.run(["convert", b, "-resize", size + "!", scaled], check=False)
    r = subprocess.run(["compare", "-metric", "RMSE", a, scaled, "null:"], capture_output=True, text=True)
    m = re.search(r"\(([0-9.e-]+)\)", r.stderr)
    return float(m.group(1)) if m else 1.0


def shot(app, name, path):
    if os.path.exists(path):
        os.remove(path)
    app.action(OBJ, "console-screenshot", f"<('{name}', '{path}')>")
    return wait(lambda: os.path.exists(path) and os.path.getsize(path) > 0 and path, 10, "screenshot file")


def clipboard_text():
    r = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True, timeout=10)
    return r.stdout if r.returncode == 0 else None


def tone_hz(path, rate=48000):
    """Pitch of the loud part of raw S16LE stereo audio, from its rising zero crossings; and
    how long that part lasts (s)."""
    import array
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return 0.0, 0.0
    a = array.array("h")
    a.frombytes(data[: len(data) // 4 * 4])
    left = a[0::2]
    loud = [i for i, v in enumerate(left) if abs(v) > 2000]
    if len(loud) < rate // 10:
        return 0.0, 0.0
    seg = left[loud[0]:loud[-1] + 1]
    rises = sum(1 for i in range(1, len(seg)) if seg[i - 1] < 0 <= seg[i])
    dur = len(seg) / rate
    return rises / dur, dur


# spice-glib plays through this GStreamer pipeline when the variable is set: the raw stream
# (what the server sends: 48 kHz S16LE stereo) into a file, to be checked.
SPICE_AUDIO_CAPS = "audio/x-raw,format=S16LE,channels=2,rate=48000,layout=interleaved"


def spice_audio_env(path):
    return {"SPICE_GST_AUDIOSINK": f'appsrc is-live=1 do-timestamp=0 format=time caps="{SPICE_AUDIO_CAPS}" '
                                   f'name=appsrc ! queue ! filesink name=audiosink location={path}'}


def spice_extras(app, name, serial, widget, frame, art):
    """What SPICE adds, through the guest's agent: the clipboard both ways, resizing the
    guest to the window; and audio playback."""
    # Guest → host: the agent takes the clipboard once the client connected; Vireo fetches
    # the text and puts it on the host's clipboard.
    check(wait(lambda: serial_has(serial, "clipboard sent"), 60, "guest clipboard fetched") is not None,
          "spice: the guest's copied text is fetched by the console")
    got = wait(lambda: clipboard_text() == "vireo guest clipboard", 15, "host clipboard")
    check(got is not None, f"spice: text copied in the guest lands on the host's clipboard (got {clipboard_text()!r})")
    # Host → guest: text copied on the host is offered; the guest fetches it when it pastes.
    subprocess.run("printf %s 'hello from the host' | xclip -selection clipboard", shell=True, check=False)
    check(wait(lambda: serial_has(serial, "clipboard from host: hello from the host"), 30, "guest got text")
          is not None, "spice: text copied on the host reaches the guest")
    # Audio: F9 makes the guest play a 500 Hz tone for 2 s; the console plays it.
    click(widget)
    xdo("key", "F9")
    played = wait(lambda: serial_has(serial, "tone end"), 30, "tone played")
    xdo("key", "ctrl+alt")
    check(played is not None, "spice: F9 typed into the console reaches the guest, which plays a tone")
    time.sleep(1)
    hz, dur = tone_hz(art("audio.raw"))
    check(480 <= hz <= 520 and dur >= 1.0,
          f"spice: the console plays the guest's audio (heard {hz:.0f} Hz for {dur:.2f} s; played 500 Hz, 2 s)")
    # USB redirection: the chooser lists the host's devices, or says why there are none
    # (this test machine has no USB bus at all).
    usb = find("push button", "USB Devices", frame)
    if check(usb is not None, "spice: the console offers USB Devices"):
        click(usb)
        shown = wait(lambda: find("label", "No USB Devices") or find("label", "USB Redirection Unavailable")
                     or find("list", "USB devices"), 10, "USB chooser")
        check(shown is not None, "spice: USB Devices lists the host's USB devices or says why it cannot "
              f"({shown.name if shown else None})")
        screenshot(art("usb.png"))
        xdo("key", "Escape")
        check(wait(lambda: find("label", "No USB Devices") is None and find("label", "USB Redirection Unavailable")
                   is None, 5, "chooser closed") is not None, "spice: Escape closes the USB chooser")
    # Resize Guest to Window: the guest's agent is asked for the console's size.
    scaling = find("push button", "Scaling", frame) or find("toggle button", "Scaling", frame)
    if check(scaling is not None, "spice: the console offers its scaling menu"):
        click(scaling)
        item = wait(lambda: next((n for n in walk(app_root()) if n.name == "Resize Guest to Window"), None), 5,
                    "menu item")
        if check(item is not None, "spice: the scaling menu offers Resize Guest to Window"):
            # The menu is a popover (its own surface; AT-SPI gives no screen position): the
            # keyboard picks its last item.
            xdo("key", "Up")
            time.sleep(0.3)
            screenshot(art("scaling-menu.png"))
            xdo("key", "Return")
            e = widget.queryComponent().getExtents(0)
            want = f"agent: monitors config {e.width}x{e.height}"
            check(wait(lambda: serial_has(serial, want), 30, "monitors config") is not None,
                  f"spice: Resize Guest to Window asks the guest for the console's size ({want!r})")


def png_size(path):
    r = subprocess.run(["identify", "-format", "%w %h", path], capture_output=True, text=True)
    try:
        w, h = map(int, r.stdout.split())
        return w, h
    except ValueError:
        return 0, 0


def screen_matches_guest(name, widget, art):
    """How closely the screen, where the console draws the frame at scale 2, equals the
    guest's screen (RMSE, best of a few tries), and where it was found."""
    best, detail = 1.0, ""
    for _ in range(8):
        # virsh before and after the grab: the same picture, or the guest changed its
        # screen in between (a tick line every second) and this try does not count.
        before, after = art("hidpi-virsh-1.ppm"), art("hidpi-virsh-2.ppm")
        subprocess.run(["virsh", "-c", "qemu:///system", "screenshot", name, before], capture_output=True)
        e = widget.queryComponent().getExtents(pyatspi.WINDOW_COORDS)  # logical pixels
        fw, fh = png_size(before)
        # The frame is centred in the widget (frame_rect), one guest pixel per device pixel.
        x = 2 * (e.x + BORDER) + 2 * ((e.width - fw // 2) // 2)
        y = 2 * (e.y + BORDER) + 2 * ((e.height - fh // 2) // 2)
        # A few pixels around where it should be: the exact place is searched for. The
        # whole frame, edges included: no focus ring covers them after a click (GTK
        # shows Adwaita's ring for keyboard focus only).
        m = 6
        grab, inner = art("hidpi-screen.png"), art("hidpi-inner.png")
        subprocess.run(["import", "-window", "root", "-crop", f"{fw + 2 * m}x{fh + 2 * m}+{x - m}+{y - m}",
                        "+repage", grab], capture_output=True)
        subprocess.run(["virsh", "-c", "qemu:///system", "screenshot", name, after], capture_output=True)
        subprocess.run(["convert", before, "+repage", inner], capture_output=True)
        detail = f"widget {e.width}x{e.height} logical, guest {fw}x{fh}"
        if fw and rmse(before, after) < 0.001:
            r = subprocess.run(["compare", "-metric", "RMSE", "-subimage-search", grab, inner, "null:"],
                               capture_output=True, text=True)
            found = re.search(r"\(([0-9.e-]+)\) @ (\d+),(\d+)", r.stderr)
            if found:
                best = min(best, float(found.group(1)))
                detail += f", found {int(found.group(2)) - m:+d},{int(found.group(3)) - m:+d} px off"
        if best < 0.005:
            break
        time.sleep(0.3)
    return best, detail


def edge_brightness(widget, art):
    """The brightest of the strips along the console widget's left and right edges (4
    device pixels wide, the middle half of its height), at scale 2: black margin beside
    the guest's frame, or lit where a focus ring is drawn. -1 when there is no margin."""
    e = widget.queryComponent().getExtents(pyatspi.WINDOW_COORDS)  # logical pixels
    # The window's 1-pixel (logical) frame lies between BORDER and the content.
    x0, y0, w, h = 2 * (e.x + BORDER + 1), 2 * (e.y + BORDER + 1), 2 * e.width, 2 * e.height
    if w < 720 + 16:  # the guest's 720 px frame would reach the edges
        return -1.0
    worst = 0.0
    for i, x in enumerate((x0, x0 + w - 4)):
        strip = art(f"hidpi-edge-{i}.png")
        subprocess.run(["import", "-window", "root", "-crop", f"4x{h // 2}+{x}+{y0 + h // 4}", "+repage", strip],
                       capture_output=True)
        worst = max(worst, mean_brightness(strip))
    return worst


RELEASE_SENTENCE = "Press Ctrl+Alt to release the keyboard"


def grab_indicator(frame):
    """The toolbar's grab indicator: a status named by the release sentence while grabbed."""
    return find("status bar", RELEASE_SENTENCE, frame)


def ink_columns(node, path, scale=1):
    """How many device-pixel columns of a node's area on screen have something drawn in them
    (a pixel far from the area's commonest grey): 0 for an empty stretch of toolbar."""
    e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)  # logical pixels
    x, y, w, h = scale * (e.x + BORDER + 1), scale * (e.y + BORDER + 1), scale * e.width, scale * e.height
    if w <= 0 or h <= 0:
        return 0
    subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "+repage", path], capture_output=True)
    raw = subprocess.run(["convert", path, "-colorspace", "gray", "-depth", "8", "gray:-"],
                         capture_output=True).stdout
    if len(raw) != w * h:
        return 0
    background = max(set(raw), key=raw.count)
    return sum(1 for c in range(w) if any(abs(raw[r * w + c] - background) > 40 for r in range(h)))


def hidpi_check(opts, name, art, passwd):
    """At scale 2 the console opens at 1:1 in device pixels: the screen, grabbed where the
    frame is drawn, equals the guest's screen pixel for pixel (no scaling blur)."""
    app = App(opts.app, ["--connect", "qemu:///system", "--show-domain-console", name], {"GDK_SCALE": "2"})
    try:
        entry = wait(lambda: find("password text", "Console password"), 30, "password entry at scale 2")
        if entry is not None:
            # GTK 4.8 reports logical positions; the screen is in device pixels.
            x, y = extents(entry)
            xdo("mousemove", 2 * x, 2 * y)
            xdo("click", 1)
            xdo("type", "--delay", 40, passwd)
            xdo("key", "Return")
        widget = wait(lambda: find("image", f"Console of {name}"), 60, "console widget at scale 2")
        if not check(widget is not None, "hidpi: the console opens at scale 2"):
            return
        time.sleep(4)  # connected, window fitted to the guest, painted
        screenshot(art("hidpi.png"))
        best, detail = screen_matches_guest(name, widget, art)
        check(best < 0.005, f"hidpi: at scale 2 the screen shows the guest 1:1 in device pixels, "
                           f"crisp (RMSE {best:.4f}; {detail})")
        # Focused but not grabbed (a click grabs, Ctrl+Alt lets go), Tab is the guest's key:
        # GTK's window sees it first and would turn keyboard-focus rings on, over the guest's
        # screen edge. The whole frame must still equal the guest's.
        x, y = extents(widget)
        xdo("mousemove", 2 * x + 20, 2 * y + 20)
        xdo("click", 1)
        time.sleep(0.5)
        # The window at scale 2 has little room in its toolbar, yet the grab indicator shows.
        hint = wait(lambda: grab_indicator(find("frame", name)), 5, "grab indicator at scale 2")
        ink = ink_columns(hint, art("hidpi-grab-indicator.png"), 2) if hint else 0
        screenshot(art("hidpi-grabbed.png"))
        xdo("key", "ctrl+alt")
        time.sleep(0.3)
        after = ink_columns(hint, art("hidpi-grab-released.png"), 2) if hint else -1
        check(ink >= 10 and after == 0, f"hidpi: the toolbar's grab indicator shows while grabbed and goes "
                                        f"on release ({ink} → {after} px columns drawn)")
        xdo("key", "Tab")
        time.sleep(0.5)
        edges = edge_brightness(widget, art)  # at once: GTK lets a ring fade after a while
        screenshot(art("hidpi-tab.png"))
        best, detail = screen_matches_guest(name, widget, art)
        check(best < 0.005 and 0 <= edges < 0.02,
              f"hidpi: Tab typed into the console (not grabbed) draws no focus ring "
              f"(frame RMSE {best:.4f}; brightness at the widget's edges {edges:.3f}, black is 0; {detail})")
    finally:
        app.quit()


def light_start_check(opts, name, art):
    """Opening a running guest's console loads no SVG renderer (librsvg, ~6.5 MiB): the
    status pages' large icons and GTK's spinner are SVGs, and the connecting state shows our
    own spinner instead. The serial terminal is built only when asked for."""
    app = App(opts.app, ["--connect", "qemu:///system", "--show-domain-console", name])
    try:
        lit = wait(lambda: (p := shot(app, name, art("light.png"))) and mean_brightness(p) > 0.02 and p,
                   60, "console of a running guest")
        if not check(lit is not None, "light start: the console of a running guest shows its screen"):
            return
        with open(f"/proc/{app.p.pid}/maps") as f:
            maps = f.read()
        with open(f"/proc/{app.p.pid}/status") as f:
            rss = next((l.split(":")[1].strip() for l in f if l.startswith("VmRSS")), "?")
        check("librsvg" not in maps, f"light start: no SVG renderer loaded for the console (RSS {rss})")
        check(find("filler", f"Serial console of {name}") is None,
              "light start: the serial terminal is not built before it is asked for")
    finally:
        app.quit()


def list_windows():
    """X windows, mapped or not, titled as the list window (wider than GDK's 1×1 leader)."""
    out = subprocess.run(["xdotool", "search", "--name", "^Vireo$"], capture_output=True, text=True).stdout
    found = []
    for wid in out.split():
        geo = subprocess.run(["xdotool", "getwindowgeometry", wid], capture_output=True, text=True).stdout
        size = re.search(r"Geometry: (\d+)x(\d+)", geo)
        if size and (int(size.group(1)), int(size.group(2))) != (1, 1):
            found.append(wid)
    return found


def showing(node):
    return node is not None and node.getState().contains(pyatspi.STATE_SHOWING)


def gsettings_set(key, value):
    """Through the same settings backend as the app (the test's environment)."""
    r = subprocess.run(["gsettings", "set", "org.vireo.Vireo", key, value], capture_output=True, text=True)
    check(r.returncode == 0, f"gsettings set {key} {value}: {r.stderr.strip()}")


def release_keys_and_fullscreen(name, widget, frame, art):
    """The release keys follow the preferences; full screen hides the toolbar until the
    pointer touches the top edge."""
    desc = lambda: find("image", f"Console of {name}").description or ""
    gsettings_set("console-release-keys", "shift+f12")
    try:
        click(widget)
        grabbed = wait(lambda: "Shift+F12" in desc() or None, 10, "grab with Shift+F12")
        check(grabbed is not None, f"vnc: the release keys follow the preferences ({desc()!r})")
        xdo("key", "ctrl+alt")
        time.sleep(0.5)
        check("Shift+F12" in desc(), "vnc: with Shift+F12 chosen, Ctrl+Alt stays the guest's")
        xdo("key", "shift+F12")
        check(wait(lambda: "Click" in desc() or None, 5, "released by Shift+F12") is not None,
              "vnc: Shift+F12 releases the keyboard")
    finally:
        gsettings_set("console-release-keys", "ctrl+alt")
    # Full screen: the toolbar shows for a moment, slides away, comes back at the top edge.
    fs = find("push button", "Full Screen", frame)
    if not check(fs is not None, "vnc: the console offers Full Screen"):
        return
    # Where the toolbar is while it shows: the top of the page, once the toolbar has gone
    # the top of the guest's screen. (GTK 4.8 does not update AT-SPI's "showing" when the
    # toolbar comes back, so the screen itself is looked at: light toolbar, dark guest.)
    top = find("push button", "Take Screenshot", frame).queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    click(fs)
    strip = art("fullscreen-strip.png")

    def toolbar_lit():
        subprocess.run(["import", "-window", "root", "-crop", f"160x16+{top.x + BORDER + 40}+{top.y + BORDER}",
                        "+repage", strip], capture_output=True)
        return mean_brightness(strip) > 0.6

    check(wait(lambda: not toolbar_lit() or None, 8, "toolbar hidden") is not None,
          "vnc: in full screen the toolbar slides away")
    screenshot(art("fullscreen.png"))
    # Up from the guest's screen into the header above it, a few pixels at a time: the
    # pointer passes the page's top edge on the way.
    e = find("image", f"Console of {name}").queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    x = e.x + e.width // 2 + BORDER
    sweep = []
    for y in range(top.y + BORDER + 120, max(top.y + BORDER - 120, 0), -3):
        sweep += ["mousemove", x, y, "sleep", "0.02"]
    xdo(*sweep)
    check(wait(lambda: toolbar_lit() or None, 5, "toolbar back") is not None,
          "vnc: in full screen the pointer at the top edge brings the toolbar back")
    screenshot(art("fullscreen-toolbar.png"))
    xdo("mousemove", x, e.y + e.height // 2 + BORDER)
    xdo("key", "F11")
    time.sleep(2.5)
    check(toolbar_lit(), "vnc: F11 leaves full screen and the toolbar stays")


def console_scenario(opts, protocol):
    name = f"vireo-ui-console-{protocol}"
    # The VNC guest's display has a password: the console asks for it.
    passwd = "s3cret" if protocol == "vnc" else None
    serial = define_guest(name, f"vireo-test-{protocol}.xml", opts.artifacts, passwd)
    art = lambda f: os.path.join(opts.artifacts, f"console-{protocol}-{f}")
    try:
        env = spice_audio_env(art("audio.raw")) if protocol == "spice" else {}
        # The app's own account of when it polls statistics (checked below).
        env["RUST_LOG"] = "warn,vireo::ui::app=debug"
        app = App(opts.app, ["--connect", "qemu:///system", "--show-domain-console", name], env)
        # Shut off: the console says so and offers Start.
        check(wait(lambda: find("label", "Not Running"), 20, "not running") is not None,
              f"{protocol}: a shut-off guest's console says it is not running")
        frame = find("frame", name)
        # Nothing to send keys to or photograph yet: those tools are greyed out.
        tools = [find(r, n, frame) for r, n in (("push button", "Take Screenshot"), ("toggle button", "Send Key"),
                                               ("push button", "Send Key"))] if frame else []
        tools = [t for t in tools if t is not None]
        check(len(tools) == 2 and not any(t.getState().contains(pyatspi.STATE_SENSITIVE) for t in tools),
              f"{protocol}: Take Screenshot and Send Key are greyed out while the guest is not running")
        start = find("push button", "Start*", frame) if frame else None
        if check(start is not None, f"{protocol}: the console offers Start"):
            click(start)
        check(wait(lambda: serial_has(serial, "=== vireo test guest ==="), 120, "guest boot") is not None,
              f"{protocol}: the guest boots")
        if passwd:
            check(wait(lambda: find("label", "Password Required"), 60, "password page") is not None,
                  f"{protocol}: a password-protected display asks for its password")
            screenshot(art("password.png"))
            entry = find("password text", "Console password")
            if check(entry is not None, f"{protocol}: the password entry is exposed"):
                click(entry)
                xdo("type", "--delay", 40, "wrong")
                xdo("key", "Return")
                check(wait(lambda: find("label", "The password was refused. Try again."), 30, "refused") is not None,
                      f"{protocol}: a wrong password is refused with a clear message, not a hang")
                click(entry)
                xdo("type", "--delay", 40, passwd)
                xdo("key", "Return")
        main = find("frame", "Vireo")
        check(main is None or not main.getState().contains(pyatspi.STATE_SHOWING),
              f"{protocol}: --show-domain-console shows the console's window, not the list")
        # Nor did the list flash up before the console: it never had an X window (GDK's
        # 1×1 client-leader window carries the app's name too; it is left out).
        check(not list_windows(), f"{protocol}: the list window is never drawn under --show-domain-console")
        widget = wait(lambda: find("image", f"Console of {name}"), 60, "console widget")
        if not check(widget is not None, f"{protocol}: the console widget is exposed as 'Console of {name}'"):
            screenshot(art("missing.png"))
            app.quit()
            return
        check(wait(lambda: all(t.getState().contains(pyatspi.STATE_SENSITIVE) for t in tools), 20, "tools usable")
              is not None, f"{protocol}: and usable once the guest's screen shows")
        # Pixels: lit, and changing as the guest prints a line every second.
        first = wait(lambda: (p := shot(app, name, art("frame1.png"))) and mean_brightness(p) > 0.02 and p,
                     60, "lit frame")
        check(first is not None, f"{protocol}: the widget's frame shows the guest's coloured lines")
        time.sleep(2.5)
        second = shot(app, name, art("frame2.png"))
        check(first is not None and second is not None and rmse(first, second) > 0.001,
              f"{protocol}: the frame changes over time")
        # The widget's screenshot equals what libvirt's screendump shows (up to scaling);
        # a new tick line may land between two shots, so one of a few tries must agree.
        best = 1.0
        for i in range(4):
            ours = shot(app, name, art("ours.png"))
            ppm = art("virsh.ppm")
            subprocess.run(["virsh", "-c", "qemu:///system", "screenshot", name, ppm], capture_output=True)
            if ours and os.path.exists(ppm):
                best = min(best, rmse(ours, ppm))
            if best < 0.005:
                break
            time.sleep(0.3)
        check(best < 0.02, f"{protocol}: the widget's screenshot equals virsh screenshot (RMSE {best:.4f})")
        screenshot(art("window.png"))
        # Real input: a click on the widget (also grabs the keyboard), then typed keys.
        width = lambda: frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS).width
        before = width()
        # The guest's reader logs the tablet by its quoted name once it has it open; a click
        # before that goes to a mouse nobody reads.
        check(wait(lambda: serial_has(serial, '"QEMU QEMU USB Tablet"'), 60, "tablet reader") is not None,
              f"{protocol}: the guest reads its tablet")
        click(widget)
        check(wait(lambda: serial_has(serial, "input btn 272 1") and serial_has(serial, "input btn 272 0"), 30,
                   "click logged") is not None, f"{protocol}: a click on the widget reaches the guest")
        check(wait(lambda: "Ctrl+Alt" in (find("image", f"Console of {name}").description or ""), 5, "grab")
              is not None, f"{protocol}: the grab state reaches the accessibility tree")
        hint = wait(lambda: grab_indicator(frame), 5, "grab indicator")
        time.sleep(0.3)
        ink = ink_columns(hint, art("grab-indicator.png")) if hint else 0
        check(hint is not None and ink >= 10 and width() == before,
              f"{protocol}: the toolbar shows how to release the keyboard ({ink} px columns drawn), and the "
              f"window keeps its width ({before} → {width()} px)")
        xdo("type", "--delay", 60, "ab")
        xdo("key", "Return")
        check(wait(lambda: all(serial_has(serial, f"input key {c} 1") for c in (30, 48, 28)), 30, "keys logged")
              is not None, f"{protocol}: keys typed into the widget reach the guest as scancodes")
        # While grabbed the application's shortcuts are the guest's keys: Ctrl+W reaches the
        # guest (W is scancode 17) and does not close the window.
        xdo("key", "ctrl+w")
        check(wait(lambda: serial_has(serial, "input key 17 1"), 15, "ctrl+w logged") is not None
              and find("image", f"Console of {name}") is not None,
              f"{protocol}: while grabbed, Ctrl+W goes to the guest and does not close the window")
        # Ctrl+Alt releases the grab, and is not a Ctrl+Alt+Del.
        xdo("key", "ctrl+alt")
        check(wait(lambda: "Click" in (find("image", f"Console of {name}").description or ""), 5, "released")
              is not None, f"{protocol}: Ctrl+Alt releases the keyboard")
        if protocol == "vnc":
            release_keys_and_fullscreen(name, widget, frame, art)
        app.action(OBJ, "console-send-key", f"<('{name}', 'ctrl-alt-del')>")
        check(wait(lambda: serial_has(serial, "ctrl-alt-del received"), 30, "ctrl-alt-del") is not None,
              f"{protocol}: Send Key Ctrl+Alt+Del reaches the guest")
        if protocol == "spice":
            spice_extras(app, name, serial, widget, frame, art)
        else:
            # The list is hidden, yet the guest's Performance tab follows its figures.
            perf_tab = next((n for n in walk(frame) if n.name == "Performance"
                             and n.getRoleName() in ("push button", "toggle button", "page tab", "radio button")),
                            None) if frame else None
            if perf_tab is None and frame:
                log("named Performance:", [(n.getRoleName(), n.name) for n in walk(frame) if "Perf" in (n.name or "")])
            if check(perf_tab is not None, f"{protocol}: the console window has a Performance tab"):
                click(perf_tab)
                first = wait(lambda: (g := find("image", "CPU usage *", frame)) and "%" in g.name and g.name,
                             15, "cpu graph")
                moved = wait(lambda: (g := find("image", "CPU usage *", frame)) and g.name != first and g.name,
                             20, "cpu graph moves")
                check(first is not None and moved is not None,
                      f"{protocol}: with only the console's window open, its CPU graph follows the guest "
                      f"({first!r} → {moved!r})")
                console_tab = next((n for n in walk(frame) if n.name == "Console"
                                    and n.getRoleName() == perf_tab.getRoleName()), None)
                if console_tab is not None:
                    click(console_tab)
                # With nothing on screen drawing them, statistics are not polled at all;
                # the Performance tab brought polling back.
                polls = lambda: [l for l in open(app.errlog, errors="replace")
                                 if "statistics polling" in l]
                paused = wait(lambda: (p := polls()) and "paused" in p[-1] and p, 10, "polling paused")
                check(paused is not None and any("resumed" in l for l in paused),
                      f"{protocol}: statistics are polled for the Performance tab and not while only "
                      f"the console shows ({[l.split('statistics ')[-1].strip() for l in paused or polls()]})")
            check(find("push button", "USB Devices", frame) is None,
                  f"{protocol}: no USB Devices button (USB redirection is SPICE's)")
        # Killed: the console says so; started again: it reconnects by itself.
        virsh("destroy", name)
        check(wait(lambda: find("label", "Not Running"), 20, "not running again") is not None,
              f"{protocol}: a killed guest's console closes and says the guest is not running")
        virsh("start", name)
        again = wait(lambda: find("label", "Not Running") is None and (p := shot(app, name, art("again.png")))
                     and mean_brightness(p) > 0.02 and p, 120, "reconnected")
        check(again is not None, f"{protocol}: started again, the console reconnects and shows the guest")
        screenshot(art("reconnected.png"))
        # The serial console beside it: the guest's tick lines arrive in the terminal.
        # (GTK 4.8 exposes toggle buttons as push buttons; VTE 0.70 exposes no text, so the
        # terminal's content is checked in the screenshot and by tests/console_serial.rs.)
        serial_tab = find("push button", "Serial", frame) if frame else None
        if check(serial_tab is not None, f"{protocol}: the console offers the serial console"):
            click(serial_tab)
            term = wait(lambda: find("filler", f"Serial console of {name}"), 10, "terminal")
            check(term is not None, f"{protocol}: the serial terminal is exposed as 'Serial console of {name}'")
            time.sleep(8)
            screenshot(art("serial.png"))
            check(not any(n.name == "Send Key" for n in walk(frame)),
                  f"{protocol}: the graphical display's tools step aside for the serial console")
        # Only the console's window was shown; closing it ends the app (as virt-manager).
        close = find("push button", "Close", frame) if frame else None
        if check(close is not None, f"{protocol}: the console window has a Close button"):
            click(close)
            check(wait(lambda: app.p.poll() is not None, 15, "app exit") is not None,
                  f"{protocol}: closing the console window opened by --show-domain-console ends the app")
        app.quit()
        # GTK's criticals are bugs in how widgets are used (the last one: focusing the
        # serial terminal before it was realized); this scenario goes through all of it.
        with open(app.errlog) as err:
            criticals = [l.strip() for l in err if "-CRITICAL" in l]
        check(not criticals, f"{protocol}: no GTK/GLib criticals in the app's log {criticals[:3]}")
        if protocol == "vnc":
            hidpi_check(opts, name, art, passwd)
        else:
            light_start_check(opts, name, art)
    finally:
        virsh("destroy", name)
        virsh("undefine", name)


def console_vnc(opts):
    console_scenario(opts, "vnc")


def console_spice(opts):
    console_scenario(opts, "spice")


SCENARIOS = []
SYSTEM_SCENARIOS = [console_vnc, console_spice]
