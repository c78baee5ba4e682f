// SPDX-License-Identifier: GPL-3.0-or-later
//! A SPICE session over spice-client-glib (GLib only).
//!
//! SPICE uses one socket per channel: the session opens the main channel on the first
//! socket, and every further channel (display, inputs, cursor, playback…) asks for its own
//! through `open-fd`, answered from the same [`GraphicsSource`]. The display's primary
//! surface belongs to spice-glib; it is read in place between `display-primary-create` and
//! `display-primary-destroy` (the binding drops the signal's arguments, so the surface is
//! fetched with `primary(0)`), and lent to the display that way (a [`FrameOwner`] that holds
//! the channel and is released at `display-primary-destroy`). Audio playback goes through
//! spice-glib's own GStreamer sink.

use std::cell::{Cell, RefCell};
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
use std::rc::{Rc, Weak};

use spice_client_glib as spice;
use spice_client_glib::prelude::*;

use super::session::{
    Buttons, FrameOwner, FrameView, GraphicsSource, Listener, Protocol, Reopen, Reporter, Session,
    SessionEvent, SessionState, UsbDeviceInfo, UsbDone,
};
use crate::backend::auth::Secret;
use agent::{
    agent_can, CAP_CLIPBOARD_BY_DEMAND, CAP_MONITORS_CONFIG, CLIPBOARD_UTF8_TEXT,
    SELECTION_CLIPBOARD,
};

mod agent;
mod usb;

/// Where a display channel points (weakly) to the [`FrameOwner`] lending its primary
/// surface, so that `display-primary-destroy` can release it, for a connection already
/// replaced too.
const LENDER_KEY: &str = "vireo-frame-lender";

/// spice-glib's mouse modes (SPICE_MOUSE_MODE_*).
const MOUSE_MODE_CLIENT: i32 = 2;

struct Inner {
    source: Rc<dyn GraphicsSource>,
    report: Reporter,
    session: RefCell<Option<spice::Session>>,
    main: RefCell<Option<spice::MainChannel>>,
    display: RefCell<Option<spice::DisplayChannel>>,
    inputs: RefCell<Option<spice::InputsChannel>>,
    _audio: RefCell<Option<spice::Audio>>,
    has_primary: Cell<bool>,
    /// Lends the primary surface's memory to the display while it exists (see
    /// [`LENDER_KEY`]).
    lender: RefCell<Option<Rc<FrameOwner>>>,
    /// The guest's agent runs and told what it can do.
    agent_ready: Cell<bool>,
    /// USB redirection, made when first asked for (it opens libusb).
    usb: RefCell<Option<spice::UsbDeviceManager>>,
    /// The buttons held at the last pointer event (SPICE sends press/release, not masks).
    buttons: Cell<Buttons>,
    password: RefCell<Option<Secret>>,
    auth_failed: Cell<bool>,
    last_error: RefCell<Option<String>>,
    generation: Cell<u64>,
}

pub struct SpiceSession(Rc<Inner>);

impl SpiceSession {
    pub fn new(
        source: Rc<dyn GraphicsSource>,
        listener: Listener,
        password: Option<Secret>,
    ) -> Rc<SpiceSession> {
        Rc::new(SpiceSession(Rc::new(Inner {
            source,
            report: Reporter::new(listener),
            session: RefCell::new(None),
            main: RefCell::new(None),
            display: RefCell::new(None),
            inputs: RefCell::new(None),
            _audio: RefCell::new(None),
            has_primary: Cell::new(false),
            lender: RefCell::new(None),
            agent_ready: Cell::new(false),
            usb: RefCell::new(None),
            buttons: Cell::new(Buttons(0)),
            password: RefCell::new(password),
            auth_failed: Cell::new(false),
            last_error: RefCell::new(None),
            generation: Cell::new(0),
        })))
    }
}

impl Reopen for Inner {
    fn reporter(&self) -> &Reporter {
        &self.report
    }

    fn source(&self) -> Rc<dyn GraphicsSource> {
        self.source.clone()
    }

    fn start_on(self: &Rc<Self>, fd: OwnedFd) {
        self.start(fd)
    }
}

impl Inner {
    fn teardown(&self) {
        self.has_primary.set(false);
        // A display still drawing from the surface copies it out, and lets the channel go.
        if let Some(lender) = self.lender.take() {
            lender.release();
        }
        self.agent_ready.set(false);
        self.usb.replace(None);
        self.inputs.replace(None);
        self.display.replace(None);
        self.main.replace(None);
        self._audio.replace(None);
        if let Some(s) = self.session.take() {
            s.disconnect();
        }
    }

    fn start(self: &Rc<Self>, fd: OwnedFd) {
        self.teardown();
        self.auth_failed.set(false);
        self.last_error.replace(None);
        let gen = self.generation.get() + 1;
        self.generation.set(gen);
        let session = spice::Session::new();
        if let Some(p) = self.password.borrow().as_ref() {
            session.set_password(Some(p.expose()));
        }
        self.wire(&session, gen);
        let raw = fd.into_raw_fd();
        // The main channel wraps the descriptor in a GSocket, which closes it.
        if !session.open_fd(raw) {
            // SAFETY: refused, so the descriptor is still ours.
            drop(unsafe { OwnedFd::from_raw_fd(raw) });
            self.set_state(SessionState::Disconnected(
                "Cannot start the SPICE session.".into(),
            ));
            return;
        }
        self._audio
            .replace(spice::Audio::get(&session, None::<&glib::MainContext>));
        self.session.replace(Some(session));
    }

    fn wire(self: &Rc<Self>, session: &spice::Session, gen: u64) {
        let weak = Rc::downgrade(self);
        session.connect_channel_new(move |_, ch| {
            let Some(inner) = live(&weak, gen) else {
                return;
            };
            inner.channel_new(ch, gen);
        });
        let weak = Rc::downgrade(self);
        session.connect_disconnected(move |_| {
            let Some(inner) = live(&weak, gen) else {
                return;
            };
            inner.ended();
        });
    }

    fn ended(&self) {
        self.has_primary.set(false);
        if self.auth_failed.get() {
            return;
        }
        let reason = self
            .last_error
            .borrow()
            .clone()
            .unwrap_or_else(|| "The SPICE server closed the connection.".into());
        self.set_state(SessionState::Disconnected(reason));
    }

    fn channel_new(self: &Rc<Self>, ch: &spice::Channel, gen: u64) {
        // Further channels ask for their own socket.
        let weak = Rc::downgrade(self);
        ch.connect_open_fd(move |ch, _tls| {
            let Some(inner) = live(&weak, gen) else {
                return;
            };
            let ch = ch.clone();
            let weak = Rc::downgrade(&inner);
            inner.source.open(Box::new(move |res| {
                let Some(inner) = live(&weak, gen) else {
                    return;
                };
                match res {
                    Ok((_, fd)) => {
                        let raw = fd.into_raw_fd();
                        if !ch.open_fd(raw) {
                            // SAFETY: refused, so still ours.
                            drop(unsafe { OwnedFd::from_raw_fd(raw) });
                        }
                    }
                    Err(e) => {
                        log::info!("SPICE channel socket: {e}");
                        inner
                            .last_error
                            .replace(Some(super::session::capitalise(&e.to_string())));
                    }
                }
            }));
        });

        if let Some(main) = ch.downcast_ref::<spice::MainChannel>() {
            let weak = Rc::downgrade(self);
            main.connect_channel_event(move |_, ev| {
                let Some(inner) = live(&weak, gen) else {
                    return;
                };
                inner.main_event(ev);
            });
            let weak = Rc::downgrade(self);
            main.connect_main_mouse_update(move |m| {
                let Some(inner) = live(&weak, gen) else {
                    return;
                };
                inner.emit(SessionEvent::PointerMode {
                    absolute: m.mouse_mode() == MOUSE_MODE_CLIENT,
                });
            });
            self.wire_agent(main, gen);
            self.main.replace(Some(main.clone()));
        } else if let Some(display) = ch.downcast_ref::<spice::DisplayChannel>() {
            if display.channel_id() != 0 {
                return; // one monitor
            }
            let weak = Rc::downgrade(self);
            display.connect_display_primary_create(move |d| {
                let Some(inner) = live(&weak, gen) else {
                    return;
                };
                inner.primary_created(d);
            });
            let weak = Rc::downgrade(self);
            display.connect_display_primary_destroy(move |d| {
                // spice-glib frees the surface right after this signal: whoever draws from
                // it copies it out now, whether or not this connection is still ours.
                // SAFETY: only a `Weak<FrameOwner>` is ever stored under this key.
                if let Some(lender) = unsafe { d.steal_data::<Weak<FrameOwner>>(LENDER_KEY) }
                    .and_then(|w| w.upgrade())
                {
                    lender.release();
                }
                let Some(inner) = live(&weak, gen) else {
                    return;
                };
                inner.has_primary.set(false);
                inner.lender.replace(None);
            });
            let weak = Rc::downgrade(self);
            display.connect_display_invalidate(move |_, x, y, w, h| {
                let Some(inner) = live(&weak, gen) else {
                    return;
                };
                inner.emit(SessionEvent::Damage {
                    x: x.max(0) as u32,
                    y: y.max(0) as u32,
                    width: w.max(0) as u32,
                    height: h.max(0) as u32,
                });
            });
            ChannelExt::connect(display);
            self.display.replace(Some(display.clone()));
        } else if let Some(inputs) = ch.downcast_ref::<spice::InputsChannel>() {
            ChannelExt::connect(inputs);
            self.inputs.replace(Some(inputs.clone()));
        } else if ch.downcast_ref::<spice::CursorChannel>().is_some() {
            ChannelExt::connect(ch);
        }
        // Playback (and record) channels are left to spice-glib's audio object, which
        // connects them itself after this handler, and only when they are still
        // unconnected: connecting them here would leave them without its sink.
    }

    fn main_event(&self, ev: spice::ChannelEvent) {
        use spice::ChannelEvent as E;
        match ev {
            E::Opened => {}
            E::ErrorAuth => {
                self.auth_failed.set(true);
                let had = self.password.replace(None).is_some();
                self.set_state(SessionState::AuthNeeded {
                    refused: had,
                    message: if had {
                        "The password was refused.".into()
                    } else {
                        "The console is protected by a password.".into()
                    },
                });
            }
            E::ErrorConnect => {
                self.last_error
                    .replace(Some("Cannot connect to the SPICE server.".into()));
            }
            E::ErrorTls => {
                self.last_error
                    .replace(Some("The SPICE server requires TLS, which failed.".into()));
            }
            E::ErrorLink => {
                self.last_error
                    .replace(Some("The SPICE server refused the link.".into()));
            }
            E::ErrorIo => {
                self.last_error.replace(Some(
                    "The connection to the SPICE server was interrupted.".into(),
                ));
            }
            _ => {}
        }
        // A main channel that closed or failed ends the session (spice-glib only reports
        // `disconnected` after an explicit disconnect, as virt-viewer does it).
        if matches!(
            ev,
            E::Closed | E::ErrorConnect | E::ErrorTls | E::ErrorLink | E::ErrorIo
        ) {
            self.ended();
            if let Some(session) = self.session.borrow().clone() {
                glib::idle_add_local_once(move || session.disconnect());
            }
        }
    }

    fn primary_created(&self, d: &spice::DisplayChannel) {
        let Some(p) = d.primary(0) else { return };
        match p.format() {
            Ok(spice::SurfaceFormat::_32XRGB) | Ok(spice::SurfaceFormat::_32ARGB) => {}
            other => {
                self.last_error.replace(Some(format!(
                    "The guest's screen uses a pixel format Vireo cannot show ({other:?})."
                )));
                return;
            }
        }
        // The lender holds the channel: the surface is freed at its last reference (or
        // after `display-primary-destroy`, which releases the lender first). The channel
        // points back only weakly, so it does not keep the lender alive. Defensive: should
        // a surface come without the old one's destroy first, the old lender is released
        // too (its readers copy out; the memory is still there).
        // SAFETY: only a `Weak<FrameOwner>` is ever stored under this key.
        if let Some(old) =
            unsafe { d.steal_data::<Weak<FrameOwner>>(LENDER_KEY) }.and_then(|w| w.upgrade())
        {
            old.release();
        }
        let lender = FrameOwner::new(Box::new(d.clone()));
        // SAFETY: as above.
        unsafe { d.set_data(LENDER_KEY, Rc::downgrade(&lender)) };
        self.lender.replace(Some(lender));
        self.has_primary.set(true);
        self.set_state(SessionState::Connected);
        self.emit(SessionEvent::Resized {
            width: p.width() as u32,
            height: p.height() as u32,
        });
        if let Some(m) = self.main.borrow().as_ref() {
            self.emit(SessionEvent::PointerMode {
                absolute: m.mouse_mode() == MOUSE_MODE_CLIENT,
            });
        }
    }
}

fn live(w: &Weak<Inner>, gen: u64) -> Option<Rc<Inner>> {
    w.upgrade()
        .filter(|i| i.generation.get() == gen && !i.report.closed.get())
}

/// spice's button ids: left 1, middle 2, right 3, wheel up 4, down 5.
fn spice_button(bit: u8) -> i32 {
    match bit {
        Buttons::LEFT => 1,
        Buttons::MIDDLE => 2,
        Buttons::RIGHT => 3,
        _ => 0,
    }
}

impl SpiceSession {
    /// Sends button presses/releases for the bits that changed since the last call.
    fn buttons_changed(&self, inputs: &spice::InputsChannel, before: Buttons, now: Buttons) {
        for bit in [Buttons::LEFT, Buttons::MIDDLE, Buttons::RIGHT] {
            let (was, is) = (before.0 & bit != 0, now.0 & bit != 0);
            if was != is {
                if is {
                    inputs.button_press(spice_button(bit), now.0 as i32);
                } else {
                    inputs.button_release(spice_button(bit), now.0 as i32);
                }
            }
        }
    }
}

impl Session for SpiceSession {
    fn protocol(&self) -> Protocol {
        Protocol::Spice
    }

    fn state(&self) -> SessionState {
        self.0.report.state()
    }

    fn with_frame(&self, f: &mut dyn FnMut(FrameView<'_>)) {
        if !self.0.has_primary.get() {
            return;
        }
        let Some(display) = self.0.display.borrow().clone() else {
            return;
        };
        let Some(p) = display.primary(0) else { return };
        if p.width() == 0 || p.height() == 0 || p.stride() < p.width() * 4 {
            return;
        }
        let lender = self.0.lender.borrow();
        f(FrameView {
            data: p.data(),
            width: p.width() as u32,
            height: p.height() as u32,
            stride: p.stride(),
            owner: lender.as_ref(),
        });
    }

    fn key(&self, qnum: u16, _keysym: u32, down: bool) {
        if let Some(i) = self.0.inputs.borrow().as_ref() {
            // spice takes PC/XT scancodes with 0xE0-prefixed keys as 0x100 | code.
            let code = if qnum & 0x80 != 0 && qnum > 0x80 {
                0x100 | (qnum as u32 & 0x7f)
            } else {
                qnum as u32
            };
            if down {
                i.key_press(code);
            } else {
                i.key_release(code);
            }
        }
    }

    fn pointer_at(&self, x: u32, y: u32, buttons: Buttons) {
        if let Some(i) = self.0.inputs.borrow().as_ref() {
            let before = self.0.buttons.replace(buttons);
            i.position(x as i32, y as i32, 0, buttons.0 as i32);
            self.buttons_changed(i, before, buttons);
        }
    }

    fn pointer_by(&self, dx: i32, dy: i32, buttons: Buttons) {
        if let Some(i) = self.0.inputs.borrow().as_ref() {
            let before = self.0.buttons.replace(buttons);
            if dx != 0 || dy != 0 {
                i.motion(dx, dy, buttons.0 as i32);
            }
            self.buttons_changed(i, before, buttons);
        }
    }

    fn scroll(&self, up: bool, x: u32, y: u32, buttons: Buttons) {
        if let Some(i) = self.0.inputs.borrow().as_ref() {
            if self.is_absolute() {
                i.position(x as i32, y as i32, 0, buttons.0 as i32);
            }
            let b = if up { 4 } else { 5 };
            i.button_press(b, buttons.0 as i32);
            i.button_release(b, buttons.0 as i32);
        }
    }

    fn is_absolute(&self) -> bool {
        self.0
            .main
            .borrow()
            .as_ref()
            .is_some_and(|m| m.mouse_mode() == MOUSE_MODE_CLIENT)
    }

    fn set_password(&self, password: Secret) {
        self.0.password.replace(Some(password));
        self.connect();
    }

    fn request_size(&self, width: u32, height: u32) -> bool {
        let Some(main) = self.0.main.borrow().clone() else {
            return false;
        };
        if !agent_can(&main, CAP_MONITORS_CONFIG) {
            return false;
        }
        main.update_display_enabled(0, true, false);
        main.update_display(0, 0, 0, width as i32, height as i32, true);
        true
    }

    fn connect(&self) {
        let inner = self.0.clone();
        inner.report.closed.set(false);
        inner.generation.set(inner.generation.get() + 1);
        inner.teardown();
        super::session::reopen(&inner, Protocol::Spice);
    }

    fn start_with(&self, fd: OwnedFd) {
        self.0.report.closed.set(false);
        self.0.start(fd);
    }

    fn clipboard_available(&self) -> bool {
        self.0
            .main
            .borrow()
            .as_ref()
            .is_some_and(|m| agent_can(m, CAP_CLIPBOARD_BY_DEMAND))
    }

    fn offer_clipboard(&self) {
        if let Some(main) = self.0.main.borrow().as_ref() {
            if agent_can(main, CAP_CLIPBOARD_BY_DEMAND) {
                main.clipboard_selection_grab(SELECTION_CLIPBOARD, &[CLIPBOARD_UTF8_TEXT]);
            }
        }
    }

    fn send_clipboard(&self, text: &str) {
        if let Some(main) = self.0.main.borrow().as_ref() {
            main.clipboard_selection_notify(
                SELECTION_CLIPBOARD,
                CLIPBOARD_UTF8_TEXT,
                text.as_bytes(),
            );
        }
    }

    fn usb_devices(&self) -> Result<Vec<UsbDeviceInfo>, String> {
        self.usb_list()
    }

    fn usb_redirect(&self, key: &str, on: bool, done: UsbDone) {
        self.usb_switch(key, on, done)
    }

    fn close(&self) {
        self.0.report.closed.set(true);
        self.0.generation.set(self.0.generation.get() + 1);
        self.0.teardown();
    }
}

impl Drop for SpiceSession {
    fn drop(&mut self) {
        self.close();
    }
}
