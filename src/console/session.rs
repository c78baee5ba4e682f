// SPDX-License-Identifier: GPL-3.0-or-later
//! What a graphical console session is, whatever its protocol: its states, the events it
//! reports, the frame it exposes and the input it takes.
//!
//! Sessions live on the GLib main context of the thread that made them (gvnc and
//! spice-client-glib run their coroutines there), so nothing here is `Send`; listeners are
//! plain `Rc` callbacks. Sockets come from a [`GraphicsSource`], which the app backs with the
//! connection's worker thread and tests back with a libvirt connection of their own.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::os::fd::OwnedFd;
use std::rc::Rc;

use crate::backend::auth::Secret;
pub use crate::backend::graphics::{GraphicsError, Protocol};

/// A session's state, as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// Opening the socket or talking to the server.
    Connecting,
    /// The display is up; frames arrive.
    Connected,
    /// The server wants a password: none was given yet (`refused` false) or the last one was
    /// refused (`refused` true, with the server's words in `message`).
    AuthNeeded { refused: bool, message: String },
    /// The guest has no display the console can show.
    NoDisplay(String),
    /// The session ended or never started; the reason in a sentence.
    Disconnected(String),
}

impl SessionState {
    pub fn is_connected(&self) -> bool {
        matches!(self, SessionState::Connected)
    }
}

/// What a session reports to its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionEvent {
    State(SessionState),
    /// The guest's screen has a new size (also sent once after connecting).
    Resized {
        width: u32,
        height: u32,
    },
    /// A rectangle of the frame changed.
    Damage {
        x: u32,
        y: u32,
        width: u32,
        height: u32,
    },
    /// The pointer became absolute (tablet) or relative (mouse).
    PointerMode {
        absolute: bool,
    },
    /// The guest rang the bell.
    Bell,
    /// The guest's agent came or went (SPICE): clipboard sharing and resizing the guest
    /// to the window need it.
    Agent {
        connected: bool,
    },
    /// The guest copied this text: it belongs on the host's clipboard.
    GuestClipboard(String),
    /// The guest pastes what the host offered ([`Session::offer_clipboard`]): answer with
    /// [`Session::send_clipboard`].
    ClipboardRequest,
    /// A host USB device came, went or was redirected or given back.
    UsbChanged,
}

/// A host USB device a console can redirect into the guest (SPICE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsbDeviceInfo {
    /// Names the device for [`Session::usb_redirect`] (its description, which includes its
    /// bus and address).
    pub key: String,
    /// Maker, product and where it is plugged in, for people.
    pub description: String,
    /// Redirected into the guest now.
    pub redirected: bool,
    /// Why it cannot be redirected, when it cannot (permissions, a filter, no free channel).
    pub blocked: Option<String>,
}

/// Called once a redirection was made or undone, or with the reason it failed.
pub type UsbDone = Box<dyn FnOnce(Result<(), String>)>;

pub type Listener = Rc<dyn Fn(&SessionEvent)>;

/// The guest framebuffer: 32-bit pixels, bytes B, G, R, X in memory (X undefined).
#[derive(Debug, Clone, Copy)]
pub struct FrameView<'a> {
    pub data: &'a [u8],
    pub width: u32,
    pub height: u32,
    /// Bytes per row.
    pub stride: usize,
    /// Set when the session lends the memory itself, so that a reader may draw from it in
    /// place instead of copying it: see [`FrameOwner`]. None: copy what you need before
    /// returning.
    pub owner: Option<&'a Rc<FrameOwner>>,
}

/// What a reader of lent frame memory runs before it is freed ([`FrameOwner::on_release`]).
pub type ReleaseHook = Box<dyn FnOnce()>;

/// Lends a session's frame memory. Holding it, until it is released, keeps
/// `FrameView::data` at its address: the session writes it only from this thread's main
/// loop and reports each write with [`SessionEvent::Damage`]. Memory the session owns
/// outright (VNC) is never released. Memory a library frees on its own terms (spice-glib's
/// primary surface, when the guest's screen changes size or is reset, or the session ends)
/// is *released* first: [`FrameOwner::release`] runs, synchronously and before the memory
/// goes, what readers asked for with [`FrameOwner::on_release`] (copy out what you still
/// draw).
pub struct FrameOwner {
    /// What keeps the memory (VNC: the pixels; SPICE: the display channel, whose last
    /// reference would free the surface). Let go soon after a release.
    keep: RefCell<Option<Box<dyn Any>>>,
    hooks: RefCell<Vec<(u64, ReleaseHook)>>,
    next_hook: Cell<u64>,
    released: Cell<bool>,
}

impl std::fmt::Debug for FrameOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameOwner")
            .field("released", &self.released.get())
            .finish_non_exhaustive()
    }
}

impl FrameOwner {
    pub fn new(keep: Box<dyn Any>) -> Rc<FrameOwner> {
        Rc::new(FrameOwner {
            keep: RefCell::new(Some(keep)),
            hooks: Default::default(),
            next_hook: Default::default(),
            released: Default::default(),
        })
    }

    /// Has `f` run just before the memory is freed under the lender. None, without running
    /// `f`, when it is already released (then the memory must not be used).
    pub fn on_release(&self, f: ReleaseHook) -> Option<u64> {
        if self.released.get() {
            return None;
        }
        let id = self.next_hook.get();
        self.next_hook.set(id + 1);
        self.hooks.borrow_mut().push((id, f));
        Some(id)
    }

    /// Drops a hook that is no longer wanted.
    pub fn forget(&self, id: u64) {
        let gone: Vec<_> = {
            let mut hooks = self.hooks.borrow_mut();
            let (gone, kept) = std::mem::take(&mut *hooks)
                .into_iter()
                .partition(|(i, _)| *i == id);
            *hooks = kept;
            gone
        };
        drop(gone); // outside the borrow: a hook's captures may call back in
    }

    /// For the session, right before the memory is freed: runs the readers' hooks, then
    /// lets go of what kept the memory, so that a lender a display still holds does not
    /// keep, say, a whole SPICE channel alive. (The session calls this while it still
    /// holds that channel itself, so this is never its last reference.)
    pub fn release(&self) {
        self.released.set(true);
        let hooks = std::mem::take(&mut *self.hooks.borrow_mut());
        for (_, f) in hooks {
            f();
        }
        let keep = self.keep.borrow_mut().take();
        drop(keep);
    }

    pub fn is_released(&self) -> bool {
        self.released.get()
    }
}

/// Pointer buttons, as a mask: left 1, middle 2, right 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Buttons(pub u8);

impl Buttons {
    pub const LEFT: u8 = 1;
    pub const MIDDLE: u8 = 2;
    pub const RIGHT: u8 = 4;

    /// The mask bit of a GDK button number (1 left, 2 middle, 3 right).
    pub fn bit_of(gdk_button: u32) -> u8 {
        match gdk_button {
            1 => Self::LEFT,
            2 => Self::MIDDLE,
            3 => Self::RIGHT,
            _ => 0,
        }
    }

    pub fn with(self, bit: u8, down: bool) -> Buttons {
        if down {
            Buttons(self.0 | bit)
        } else {
            Buttons(self.0 & !bit)
        }
    }
}

/// What a [`GraphicsSource`] hands back: the display's protocol and a connected socket.
pub type Opened = Result<(Protocol, OwnedFd), GraphicsError>;

/// Hands out connected sockets to a guest's display, asynchronously: `done` runs later on
/// the same main context (or at once).
pub trait GraphicsSource {
    fn open(&self, done: Box<dyn FnOnce(Opened)>);
}

/// A graphical console session (VNC or SPICE).
pub trait Session {
    fn protocol(&self) -> Protocol;
    fn state(&self) -> SessionState;
    /// Calls `f` with the current frame, if there is one.
    fn with_frame(&self, f: &mut dyn FnMut(FrameView<'_>));
    /// A key by its QEMU (qnum) scancode; `keysym` for servers without scancode support.
    fn key(&self, qnum: u16, keysym: u32, down: bool);
    /// The pointer at guest coordinates with these buttons held.
    fn pointer_at(&self, x: u32, y: u32, buttons: Buttons);
    /// The pointer moved by this much (relative mode) with these buttons held.
    fn pointer_by(&self, dx: i32, dy: i32, buttons: Buttons);
    /// One wheel step up (`true`) or down at guest coordinates (absolute mode).
    fn scroll(&self, up: bool, x: u32, y: u32, buttons: Buttons);
    /// Whether the guest takes absolute pointer positions.
    fn is_absolute(&self) -> bool;
    /// Answers a password request (or reconnects with it after a refusal).
    fn set_password(&self, password: Secret);
    /// Asks the guest to resize its screen to this size; false when it cannot.
    fn request_size(&self, width: u32, height: u32) -> bool;
    /// Opens the session (again): a new socket, a fresh protocol handshake.
    fn connect(&self);
    /// Starts the protocol on a socket already opened (the first one, from [`open`]).
    fn start_with(&self, fd: OwnedFd);
    /// Closes the session; no event follows.
    fn close(&self);
    /// Whether the clipboard can be shared now (SPICE with the guest's agent running).
    fn clipboard_available(&self) -> bool {
        false
    }
    /// The host's clipboard holds new text: tell the guest, which asks for it when it
    /// pastes ([`SessionEvent::ClipboardRequest`]).
    fn offer_clipboard(&self) {}
    /// Answers the guest's [`SessionEvent::ClipboardRequest`] with the host's text.
    fn send_clipboard(&self, _text: &str) {}
    /// The host's USB devices and whether each is redirected; the reason when this console
    /// cannot redirect USB at all.
    fn usb_devices(&self) -> Result<Vec<UsbDeviceInfo>, String> {
        Err("USB redirection needs a SPICE display.".into())
    }
    /// Redirects the device named `key` into the guest (`on`) or gives it back to the host.
    fn usb_redirect(&self, _key: &str, _on: bool, done: UsbDone) {
        done(Err("USB redirection needs a SPICE display.".into()))
    }
}

/// Key presses for a key combination: every key down in order, then up in reverse.
pub fn send_combo(session: &dyn Session, qnums: &[u16]) {
    for &q in qnums {
        session.key(q, 0, true);
    }
    for &q in qnums.iter().rev() {
        session.key(q, 0, false);
    }
}

/// A session's state and its listener: reports a state only when it changes, and nothing
/// at all once the session was closed by its owner.
pub(crate) struct Reporter {
    listener: Listener,
    state: RefCell<SessionState>,
    pub closed: Cell<bool>,
}

impl Reporter {
    pub fn new(listener: Listener) -> Self {
        Reporter {
            listener,
            state: RefCell::new(SessionState::Connecting),
            closed: Cell::new(false),
        }
    }

    pub fn state(&self) -> SessionState {
        self.state.borrow().clone()
    }

    pub fn set_state(&self, s: SessionState) {
        if *self.state.borrow() == s {
            return;
        }
        self.state.replace(s.clone());
        self.emit(SessionEvent::State(s));
    }

    pub fn emit(&self, ev: SessionEvent) {
        if !self.closed.get() {
            (self.listener)(&ev);
        }
    }
}

/// The state a failed socket request leaves a session in.
pub(crate) fn failure_state(e: GraphicsError) -> SessionState {
    match e {
        GraphicsError::NoDisplay(_) => {
            SessionState::NoDisplay(GraphicsError::NoDisplay(None).to_string())
        }
        e => SessionState::Disconnected(capitalise(&e.to_string())),
    }
}

/// A protocol session's state, as [`reopen`] needs it.
pub(crate) trait Reopen: 'static {
    fn reporter(&self) -> &Reporter;
    fn source(&self) -> Rc<dyn GraphicsSource>;
    /// Starts the protocol on a newly opened socket.
    fn start_on(self: &Rc<Self>, fd: OwnedFd);

    /// Reports a new state to the session's owner.
    fn set_state(&self, s: SessionState) {
        self.reporter().set_state(s)
    }

    /// Reports an event to the session's owner.
    fn emit(&self, ev: SessionEvent) {
        self.reporter().emit(ev)
    }
}

/// Asks for a new socket and starts the session on it, unless the owner closed the
/// session meanwhile; a failure becomes the session's state.
pub(crate) fn reopen<T: Reopen>(inner: &Rc<T>, protocol: Protocol) {
    inner.reporter().set_state(SessionState::Connecting);
    let weak = Rc::downgrade(inner);
    inner.source().open(Box::new(move |res| {
        let Some(inner) = weak.upgrade() else { return };
        if inner.reporter().closed.get() {
            return;
        }
        match socket_for(protocol, res) {
            Ok(fd) => inner.start_on(fd),
            Err(state) => inner.reporter().set_state(state),
        }
    }));
}

/// The socket of a reconnect for a session of `protocol`, or the state to show instead.
pub(crate) fn socket_for(protocol: Protocol, res: Opened) -> Result<OwnedFd, SessionState> {
    match res {
        Ok((p, fd)) if p == protocol => Ok(fd),
        Ok((other, _)) => Err(SessionState::Disconnected(format!(
            "The guest's display changed to {}; reopen the console.",
            other.name()
        ))),
        Err(e) => Err(failure_state(e)),
    }
}

/// The sentence with its first letter upper-case (libvirt's and gvnc's messages are not).
pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Opens a session of the right protocol: asks `source` for the first socket, then builds
/// the VNC or SPICE session on it. The session's own later reconnects use `source` again.
pub fn open(
    source: Rc<dyn GraphicsSource>,
    listener: Listener,
    password: Option<Secret>,
) -> SessionSlot {
    let slot = SessionSlot::default();
    listener(&SessionEvent::State(SessionState::Connecting));
    let slot2 = slot.clone();
    let src = source.clone();
    source.open(Box::new(move |res| match res {
        Ok((protocol, fd)) => {
            let s: Rc<dyn Session> = match protocol {
                Protocol::Vnc => super::vnc::VncSession::new(src, listener, password),
                Protocol::Spice => super::spice::SpiceSession::new(src, listener, password),
            };
            s.start_with(fd);
            slot2.0.replace(Some(s));
        }
        Err(GraphicsError::NoDisplay(_)) => {
            let msg = GraphicsError::NoDisplay(None).to_string();
            listener(&SessionEvent::State(SessionState::NoDisplay(msg)));
        }
        Err(e) => listener(&SessionEvent::State(SessionState::Disconnected(
            e.to_string(),
        ))),
    }));
    slot
}

/// Where [`open`] puts the session once the first socket arrived.
#[derive(Clone, Default)]
pub struct SessionSlot(pub Rc<RefCell<Option<Rc<dyn Session>>>>);

impl SessionSlot {
    pub fn get(&self) -> Option<Rc<dyn Session>> {
        self.0.borrow().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn button_masks() {
        let b = Buttons::default().with(Buttons::bit_of(1), true);
        assert_eq!(b.0, 1);
        let b = b.with(Buttons::bit_of(3), true);
        assert_eq!(b.0, 5);
        let b = b.with(Buttons::bit_of(1), false);
        assert_eq!(b.0, 4);
        assert_eq!(Buttons::bit_of(8), 0);
    }
}
