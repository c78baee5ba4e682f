// SPDX-License-Identifier: GPL-3.0-or-later
//! The serial console view: a VTE terminal showing a [`SerialConsole`]'s output and sending
//! what the user types, with a state for "connecting", "could not open" and "closed" that
//! offers Reconnect. The view never opens a console itself (that is a libvirt call, made on
//! the connection's worker): its owner does, and hands the result over.
//!
//! Use:
//! 1. [`SerialView::new`], put [`SerialView::widget`] in a page, [`SerialView::connect_reconnect`].
//! 2. [`SerialView::connecting`], make a pair with [`event_channel`], send the [`Sink`] to the
//!    worker, which calls [`SerialConsole::open_with`] and returns the console (or the error).
//! 3. On success [`SerialView::attach`]`(console, events)`; on failure [`SerialView::failed`].
//! 4. The view follows the events: output goes into the terminal, `Closed` shows why and a
//!    Reconnect button, which calls the owner's callback with the [`OpenMode`] to use (taking
//!    the console over only after the user saw that another client has it).
//!
//! Threads: the sink may be called on any thread (the console's reader thread calls it);
//! events queue behind a mutex and one wake-up per burst brings them to the GTK main
//! thread, where a burst is fed to the terminal in one call.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex};

use adw::prelude::*;
use gettextrs::gettext;
use vte4::prelude::*;

use crate::backend::{BackendError, ErrorKind};
use crate::console::serial::{self, CloseReason, OpenMode, SerialConsole, SerialEvent};
use crate::runtime::Sink;
use crate::ui::widgets::status_page::BusyStatus;

/// Lines of output kept for scrolling back.
const SCROLLBACK_LINES: libc::c_long = 10_000;
const TERMINAL_ICON: &str = "utilities-terminal-symbolic";

/// The receiving end of a console's events, for [`SerialView::attach`].
pub struct SerialEvents {
    queue: Arc<Mutex<Vec<SerialEvent>>>,
    wake: relm4::Receiver<()>,
}

/// Makes the pair that carries a console's events to the GTK main thread: the sink goes to
/// [`SerialConsole::open`] (any thread), the receiver to [`SerialView::attach`].
pub fn event_channel() -> (Sink<SerialEvent>, SerialEvents) {
    let queue: Arc<Mutex<Vec<SerialEvent>>> = Arc::default();
    let (wake_tx, wake) = relm4::channel::<()>();
    let q = queue.clone();
    let sink: Sink<SerialEvent> = Arc::new(move |ev| {
        let mut pending = q.lock().unwrap_or_else(|p| p.into_inner());
        // Wake the main thread only when the queue becomes non-empty: it drains the whole
        // queue per wake-up, so a burst of output costs one main-loop dispatch.
        let wake_up = pending.is_empty();
        pending.push(ev);
        drop(pending);
        if wake_up {
            let _ = wake_tx.send(());
        }
    });
    (sink, SerialEvents { queue, wake })
}

/// The owner's Reconnect handler.
type ReconnectFn = Rc<dyn Fn(OpenMode)>;

/// The serial console page of one guest. Cheap to clone (shared state).
#[derive(Clone)]
pub struct SerialView {
    inner: Rc<Inner>,
}

struct Inner {
    root: gtk::Widget,
    stack: gtk::Stack,
    status: BusyStatus,
    status_button: gtk::Button,
    terminal: vte4::Terminal,
    banner: gtk::Revealer,
    banner_label: gtk::Label,
    banner_button: gtk::Button,
    console: RefCell<Option<SerialConsole>>,
    /// Bumped by every attach, so events of an older console are ignored.
    generation: Cell<u64>,
    /// Whether the terminal shows anything (then states show as a banner above it, so the
    /// last output stays readable; before that, as a status page).
    has_output: Cell<bool>,
    /// How the Reconnect button opens the console next.
    next_mode: Cell<OpenMode>,
    on_reconnect: RefCell<Option<ReconnectFn>>,
    /// Our handler on the application-wide style manager, removed with the view.
    style_handler: RefCell<Option<glib::SignalHandlerId>>,
    /// A focus request waiting for the terminal to be shown (see [`SerialView::focus`]).
    focus_on_map: RefCell<Option<glib::SignalHandlerId>>,
}

impl SerialView {
    /// A view for the guest called `domain_name`, showing "not connected" until
    /// [`SerialView::connecting`] or [`SerialView::attach`].
    pub fn new(domain_name: &str) -> Self {
        let terminal = vte4::Terminal::new();
        terminal.set_scrollback_lines(SCROLLBACK_LINES);
        terminal.set_scroll_on_keystroke(true);
        terminal.set_mouse_autohide(true);
        terminal.set_input_enabled(false);
        terminal.set_hexpand(true);
        terminal.set_vexpand(true);
        let style_handler = follow_style(&terminal);
        let scrolled = gtk::ScrolledWindow::new();
        scrolled.set_hscrollbar_policy(gtk::PolicyType::Never);
        scrolled.set_child(Some(&terminal));

        let banner_label = gtk::Label::new(None);
        banner_label.set_wrap(true);
        banner_label.set_hexpand(true);
        banner_label.set_xalign(0.0);
        banner_label.set_margin_top(6);
        banner_label.set_margin_bottom(6);
        banner_label.set_margin_start(12);
        let banner_button = gtk::Button::new();
        banner_button.set_valign(gtk::Align::Center);
        banner_button.set_margin_end(12);
        let bar = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        bar.add_css_class("vireo-banner");
        bar.append(&banner_label);
        bar.append(&banner_button);
        let banner = gtk::Revealer::new();
        banner.set_child(Some(&bar));
        let with_banner = gtk::Box::new(gtk::Orientation::Vertical, 0);
        with_banner.append(&banner);
        with_banner.append(&scrolled);

        let status_button = gtk::Button::new();
        status_button.set_halign(gtk::Align::Center);
        status_button.add_css_class("pill");
        status_button.add_css_class("suggested-action");
        let status = BusyStatus::new();
        status.set_icon(Some(TERMINAL_ICON));
        status.append(&status_button);

        let stack = gtk::Stack::new();
        stack.add_named(&status.page, Some("status"));
        stack.add_named(&with_banner, Some("terminal"));

        let inner = Rc::new(Inner {
            root: stack.clone().upcast(),
            stack,
            status,
            status_button,
            terminal,
            banner,
            banner_label,
            banner_button,
            console: RefCell::default(),
            generation: Cell::new(0),
            has_output: Cell::new(false),
            next_mode: Cell::new(OpenMode::IfFree),
            on_reconnect: RefCell::default(),
            style_handler: RefCell::new(Some(style_handler)),
            focus_on_map: RefCell::default(),
        });
        inner.wire();
        let view = SerialView { inner };
        view.set_domain_name(domain_name);
        view.show_state(
            &gettext("Serial Console"),
            &gettext("Not connected."),
            Some(OpenMode::IfFree),
        );
        view
    }

    /// The root widget to put in a page or window.
    pub fn widget(&self) -> &gtk::Widget {
        &self.inner.root
    }

    /// The terminal itself (focus it, or read its text in tests).
    pub fn terminal(&self) -> &vte4::Terminal {
        &self.inner.terminal
    }

    /// Puts the keyboard focus in the terminal: now if it is shown, else once it is. (VTE
    /// takes focus only once realized: focused before, it logs a GTK critical about its
    /// input method, as it did when the Serial view was first opened while connecting.)
    pub fn focus(&self) {
        let t = &self.inner.terminal;
        if let Some(id) = self.inner.focus_on_map.take() {
            t.disconnect(id);
        }
        if t.is_mapped() {
            t.grab_focus();
            return;
        }
        let weak = Rc::downgrade(&self.inner);
        let id = t.connect_map(move |t| {
            if let Some(inner) = weak.upgrade() {
                if let Some(id) = inner.focus_on_map.take() {
                    t.disconnect(id);
                }
            }
            t.grab_focus();
        });
        self.inner.focus_on_map.replace(Some(id));
    }

    /// Names the guest, for screen readers ("Serial console of NAME"); call on rename.
    pub fn set_domain_name(&self, name: &str) {
        let label = gettext("Serial console of %s").replace("%s", name);
        self.inner
            .terminal
            .update_property(&[gtk::accessible::Property::Label(&label)]);
    }

    /// What Reconnect does: `f` gets the mode to open with ([`OpenMode::TakeOver`] only
    /// when the user was told another client has the console). The owner then calls
    /// [`SerialView::connecting`] and opens a console as in the module docs.
    pub fn connect_reconnect(&self, f: impl Fn(OpenMode) + 'static) {
        *self.inner.on_reconnect.borrow_mut() = Some(Rc::new(f));
    }

    /// Shows that a console is being opened (closes the attached one, if any).
    pub fn connecting(&self) {
        self.detach();
        let inner = &self.inner;
        if inner.has_output.get() {
            inner.banner_label.set_label(&gettext("Connecting…"));
            inner.banner_button.set_visible(false);
            inner.banner.set_reveal_child(true);
        } else {
            inner.status.set_icon(None);
            inner.status.page.set_title(&gettext("Connecting…"));
            inner.status.page.set_description(None);
            inner.status_button.set_visible(false);
            inner.stack.set_visible_child_name("status");
        }
    }

    /// Shows `console`'s output from now on and sends it what the user types. Replaces (and
    /// closes) any console attached before; `events` must be the pair of the sink that
    /// `console` was opened with.
    pub fn attach(&self, console: SerialConsole, events: SerialEvents) {
        let inner = &self.inner;
        let generation = inner.generation.get() + 1;
        inner.generation.set(generation);
        *inner.console.borrow_mut() = Some(console);
        inner.status.set_icon(Some(TERMINAL_ICON));
        inner.banner.set_reveal_child(false);
        inner.terminal.set_input_enabled(true);
        inner.stack.set_visible_child_name("terminal");
        let weak = Rc::downgrade(inner);
        glib::MainContext::default().spawn_local(async move {
            // Ends when the console's reader has sent `Closed` and dropped the sink, or
            // when the view is gone or attached to another console.
            while events.wake.recv().await.is_some() {
                let batch =
                    std::mem::take(&mut *events.queue.lock().unwrap_or_else(|p| p.into_inner()));
                let Some(inner) = weak.upgrade() else { break };
                if inner.generation.get() != generation {
                    break;
                }
                SerialView { inner }.handle(batch);
            }
        });
    }

    /// Shows that opening the console failed, with libvirt's message and Reconnect (or
    /// Take Over, when another client holds the console).
    pub fn failed(&self, err: &BackendError) {
        self.detach();
        let (title, text, mode) = if serial::is_busy(err) {
            (
                gettext("The serial console is in use"),
                gettext("Another program, such as virsh or virt-manager, is connected to this guest’s serial console."),
                Some(OpenMode::TakeOver),
            )
        } else if err.kind == ErrorKind::Unsupported {
            // Retrying cannot help a guest without a serial console.
            (gettext("No serial console"), err.message.clone(), None)
        } else {
            (
                gettext("Could not open the serial console"),
                err.message.clone(),
                Some(OpenMode::IfFree),
            )
        };
        self.show_state(&title, &text, mode);
    }

    /// Shows that the console closed and why, with Reconnect (or Take Over).
    pub fn closed(&self, reason: &CloseReason) {
        self.detach();
        let (title, text, mode) = match reason {
            CloseReason::Requested => (
                gettext("Disconnected"),
                gettext("The serial console was closed."),
                OpenMode::IfFree,
            ),
            CloseReason::GuestStopped => (
                gettext("The guest stopped"),
                gettext("The serial console closed because the guest is no longer running."),
                OpenMode::IfFree,
            ),
            CloseReason::TakenOver => (
                gettext("The serial console is in use"),
                gettext("Another program opened this guest’s serial console and took it over."),
                OpenMode::TakeOver,
            ),
            CloseReason::ConnectionLost(e) => (
                gettext("Connection lost"),
                gettext("The connection to the host was lost: %s").replace("%s", &e.message),
                OpenMode::IfFree,
            ),
            CloseReason::Failed(e) => (
                gettext("The serial console failed"),
                e.message.clone(),
                OpenMode::IfFree,
            ),
        };
        self.show_state(&title, &text, Some(mode));
    }

    /// Closes the attached console, if any (its `Closed` then shows as "Disconnected").
    /// Dropping the view does the same.
    pub fn close(&self) {
        if let Some(console) = self.inner.console.borrow_mut().take() {
            console.close();
        }
    }

    /// Forgets the attached console without waiting for its events.
    fn detach(&self) {
        let inner = &self.inner;
        inner.generation.set(inner.generation.get() + 1);
        inner.terminal.set_input_enabled(false);
        // Dropped outside the borrow: dropping only queues the close, but stay safe.
        let old = inner.console.borrow_mut().take();
        drop(old);
    }

    fn handle(&self, batch: Vec<SerialEvent>) {
        let mut data = Vec::new();
        for ev in batch {
            match ev {
                SerialEvent::Data(bytes) => data.extend_from_slice(&bytes),
                SerialEvent::Closed(reason) => {
                    self.feed(&data);
                    data.clear();
                    self.closed(&reason);
                }
            }
        }
        self.feed(&data);
    }

    fn feed(&self, data: &[u8]) {
        if !data.is_empty() {
            self.inner.terminal.feed(data);
            self.inner.has_output.set(true);
        }
    }

    /// A closed or failed state: as a banner over the output, or a status page when there
    /// is none. `mode` None: no button (retrying would not help).
    fn show_state(&self, title: &str, text: &str, mode: Option<OpenMode>) {
        let inner = &self.inner;
        inner.status.set_icon(Some(TERMINAL_ICON));
        if let Some(m) = mode {
            inner.next_mode.set(m);
        }
        let label = match mode {
            Some(OpenMode::TakeOver) => gettext("_Take Over"),
            _ => gettext("_Reconnect"),
        };
        for b in [&inner.status_button, &inner.banner_button] {
            b.set_label(&label);
            b.set_use_underline(true);
            b.set_visible(mode.is_some());
        }
        if inner.has_output.get() {
            inner.banner_label.set_label(&format!("{title} — {text}"));
            inner.banner.set_reveal_child(true);
            inner.stack.set_visible_child_name("terminal");
        } else {
            inner.status.page.set_title(title);
            inner.status.page.set_description(Some(text));
            inner.stack.set_visible_child_name("status");
        }
    }
}

impl Inner {
    /// Input, the Reconnect buttons and the copy/paste shortcuts.
    fn wire(self: &Rc<Self>) {
        let weak = Rc::downgrade(self);
        self.terminal.connect_commit(move |_, text, size| {
            let Some(inner) = weak.upgrade() else { return };
            let console = inner.console.borrow();
            let Some(console) = console.as_ref() else {
                return;
            };
            // The binding reads `text` up to its first NUL; a typed NUL (Ctrl+Space)
            // comes as an empty string of size 1, so restore the bytes past the cut.
            let mut bytes = text.as_bytes().to_vec();
            bytes.resize(bytes.len().max(size as usize), 0);
            // A failure means the console just closed; its `Closed` event says so.
            if let Err(e) = console.write(&bytes) {
                log::debug!("serial console input dropped: {e}");
            }
        });
        for button in [&self.status_button, &self.banner_button] {
            let weak = Rc::downgrade(self);
            button.connect_clicked(move |_| reconnect(&weak));
        }

        let shortcuts = gtk::ShortcutController::new();
        // Before the terminal turns the keys into control characters for the guest.
        shortcuts.set_propagation_phase(gtk::PropagationPhase::Capture);
        let term = self.terminal.downgrade();
        add_shortcut(&shortcuts, "<Control><Shift>c", move || {
            if let Some(t) = term.upgrade() {
                t.copy_clipboard_format(vte4::Format::Text);
            }
        });
        let term = self.terminal.downgrade();
        add_shortcut(&shortcuts, "<Control><Shift>v", move || {
            if let Some(t) = term.upgrade() {
                // Pasted text reaches the guest through the `commit` signal.
                t.paste_clipboard();
            }
        });
        self.terminal.add_controller(shortcuts);
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Closing is non-blocking; the reader's last events find no view and stop.
        if let Some(console) = self.console.get_mut().take() {
            console.close();
        }
        if let Some(id) = self.style_handler.get_mut().take() {
            adw::StyleManager::default().disconnect(id);
        }
    }
}

fn reconnect(weak: &Weak<Inner>) {
    let Some(inner) = weak.upgrade() else { return };
    let callback = inner.on_reconnect.borrow().clone();
    if let Some(f) = callback {
        f(inner.next_mode.get());
    }
}

fn add_shortcut(controller: &gtk::ShortcutController, accel: &str, f: impl Fn() + 'static) {
    let Some(trigger) = gtk::ShortcutTrigger::parse_string(accel) else {
        log::warn!("bad accelerator {accel}");
        return;
    };
    let action = gtk::CallbackAction::new(move |_, _| {
        f();
        glib::Propagation::Stop
    });
    controller.add_shortcut(gtk::Shortcut::new(Some(trigger), Some(action)));
}

/// Adwaita-like colours, following the light/dark style as it changes.
fn follow_style(terminal: &vte4::Terminal) -> glib::SignalHandlerId {
    let style = adw::StyleManager::default();
    apply_colors(terminal, style.is_dark());
    let t = terminal.downgrade();
    style.connect_dark_notify(move |s| {
        if let Some(t) = t.upgrade() {
            apply_colors(&t, s.is_dark());
        }
    })
}

/// GNOME Terminal's palette ("GNOME"): its yellow is VGA's brown, so the white-on-colour
/// lines guests print (written for the VGA console) stay readable, and so does coloured text
/// on the light background. (GNOME's HIG yellow, as GNOME Console uses it, left white on
/// yellow at 1.7:1.)
const PALETTE: [u32; 16] = [
    0x171421, 0xc01c28, 0x26a269, 0xa2734c, 0x12488b, 0xa347ba, 0x2aa1b3, 0xd0cfcc, 0x5e5c64,
    0xf66151, 0x33da7a, 0xe9ad0c, 0x2a7bde, 0xc061cb, 0x33c7de, 0xffffff,
];

/// The palette over the view colours of Adwaita and Adwaita-dark.
fn apply_colors(terminal: &vte4::Terminal, dark: bool) {
    let (fg, bg) = if dark {
        (0xffffff, 0x1e1e1e)
    } else {
        (0x1e1e1e, 0xffffff)
    };
    let palette: Vec<gtk::gdk::RGBA> = PALETTE.iter().map(|&c| rgb(c)).collect();
    let refs: Vec<&gtk::gdk::RGBA> = palette.iter().collect();
    terminal.set_colors(Some(&rgb(fg)), Some(&rgb(bg)), &refs);
}

fn rgb(hex: u32) -> gtk::gdk::RGBA {
    let c = |shift: u32| ((hex >> shift) & 0xff) as f32 / 255.0;
    gtk::gdk::RGBA::new(c(16), c(8), c(0), 1.0)
}

#[cfg(test)]
mod tests {
    use super::PALETTE;

    /// WCAG 2 relative luminance of 0xRRGGBB.
    fn luminance(hex: u32) -> f64 {
        let lin = |shift: u32| {
            let c = f64::from((hex >> shift) & 0xff) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(16) + 0.7152 * lin(8) + 0.0722 * lin(0)
    }

    fn contrast(a: u32, b: u32) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn white_on_each_colour_and_each_colour_on_white_is_readable() {
        // Guests written for the VGA console print white on red, green, brown, blue, magenta
        // and cyan (the test guest's tick lines do), and coloured text on the light view:
        // both need 3:1, WCAG's minimum for large text and interface parts.
        for (i, &colour) in PALETTE[1..7].iter().enumerate() {
            let c = contrast(colour, 0xffffff);
            assert!(
                c >= 3.0,
                "colour {} ({colour:06x}): {c:.2}:1 against white",
                i + 1
            );
        }
    }
}
