// SPDX-License-Identifier: GPL-3.0-or-later
//! A VNC session over gvnc (GLib only).
//!
//! Sequence (found by the console prototype, see CONSOLE-NOTES.md): choose an auth type
//! when asked (without a handler gvnc stalls), on `vnc-initialized` set a BGRX pixel format,
//! the encodings and our own framebuffer, then keep asking for incremental updates, once
//! per batch of `vnc-framebuffer-update`s. Keys go as QEMU extended key events (scancodes):
//! once QEMU acknowledged that extension gvnc always sends it, and a keysym-only event would
//! be dropped. The `vnc-led-state` signal is not connected: gvnc 1.3 registers it with the
//! wrong marshaller.

use std::cell::{Cell, RefCell};
use std::os::fd::{IntoRawFd, OwnedFd};
use std::rc::{Rc, Weak};

use glib::translate::{from_glib_full, IntoGlib, ToGlibPtr};
use gvnc::prelude::*;

use super::session::{
    Buttons, FrameOwner, FrameView, GraphicsSource, Listener, Protocol, Reopen, Reporter, Session,
    SessionEvent, SessionState,
};
use crate::backend::auth::Secret;
use encodings::{encodings, is_local};

mod encodings;

/// Our framebuffer memory and gvnc's view of it; replaced together on resize.
///
/// gvnc writes into the pixels through `ptr` whenever it handles an update (on this thread,
/// inside the main loop). The connection object keeps an `Rc` of the `Fb` it draws into (as
/// object data, released when the connection is finalised or given a new framebuffer), so
/// the memory outlives every write even while a shut-down connection winds down.
struct Fb {
    ptr: *mut u8,
    len: usize,
    width: u32,
    height: u32,
    _fb: gvnc::BaseFramebuffer,
    /// Owns the pixels (a `Vec<u8>`) and lends them to the display, which may hold them
    /// past this `Fb`; never released, as nobody else frees them.
    lender: Rc<FrameOwner>,
}

impl Fb {
    fn data(&self) -> &[u8] {
        // SAFETY: `ptr`/`len` describe the pixels `lender` owns, alive as long as `self`;
        // gvnc writes only from this thread's main loop, never while this borrow is held.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }
}

const FB_KEY: &str = "vireo-framebuffer";

struct Inner {
    source: Rc<dyn GraphicsSource>,
    report: Reporter,
    conn: RefCell<Option<gvnc::Connection>>,
    fb: RefCell<Option<Rc<Fb>>>,
    /// The socket reaches this machine (raw pixels first, see [`encodings`]).
    local: Cell<bool>,
    password: RefCell<Option<Secret>>,
    /// gvnc asked for a password and waits for it.
    waiting_password: Cell<bool>,
    auth_failed: Cell<bool>,
    last_error: RefCell<Option<String>>,
    update_pending: Cell<bool>,
    /// Bumped on every (re)connect so signals of a replaced connection are ignored.
    generation: Cell<u64>,
}

pub struct VncSession(Rc<Inner>);

/// Little-endian 32 bpp, red at bits 16–23: bytes B, G, R, X in memory.
fn local_format() -> Option<gvnc::PixelFormat> {
    gvnc::PixelFormat::new_with(
        (255, 255, 255),
        (16, 8, 0),
        24,
        32,
        gvnc::ByteOrder::Little,
        1,
    )
    .ok()
}

impl VncSession {
    pub fn new(
        source: Rc<dyn GraphicsSource>,
        listener: Listener,
        password: Option<Secret>,
    ) -> Rc<VncSession> {
        Rc::new(VncSession(Rc::new(Inner {
            source,
            report: Reporter::new(listener),
            conn: RefCell::new(None),
            fb: RefCell::new(None),
            local: Cell::new(false),
            password: RefCell::new(password),
            waiting_password: Cell::new(false),
            auth_failed: Cell::new(false),
            last_error: RefCell::new(None),
            update_pending: Cell::new(false),
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
    fn with_conn(&self, f: impl FnOnce(&gvnc::Connection)) {
        if let Some(c) = self.conn.borrow().as_ref() {
            if c.is_initialized() {
                f(c);
            }
        }
    }

    fn drop_connection(&self) {
        if let Some(old) = self.conn.take() {
            old.shutdown();
        }
    }

    /// Allocates a framebuffer of the connection's size and hands it to gvnc.
    fn make_framebuffer(&self, conn: &gvnc::Connection) -> Result<(), String> {
        let (w, h) = (conn.width(), conn.height());
        let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
            return Err(format!(
                "the server reported an invalid screen size {w}×{h}"
            ));
        };
        if w16 == 0 || h16 == 0 {
            return Err("the server reported an empty screen".into());
        }
        let local = local_format().ok_or("cannot describe the pixel format")?;
        let remote = conn.pixel_format().unwrap_or_else(|| local.clone());
        let stride = w16 as usize * 4;
        // A Vec, not a box: moving it into the lender below keeps `ptr` valid.
        let mut pixels = vec![0u8; stride * h16 as usize];
        let ptr = pixels.as_mut_ptr();
        // SAFETY: the memory behind `ptr` lives in the `Fb` below, which the connection keeps
        // as object data for as long as it may write into it (see `Fb`).
        let fb: gvnc::BaseFramebuffer = unsafe {
            from_glib_full(gvnc::ffi::vnc_base_framebuffer_new(
                ptr,
                w16,
                h16,
                stride as i32,
                local.to_glib_none().0,
                remote.to_glib_none().0,
            ))
        };
        conn.set_framebuffer(&fb)
            .map_err(|e| format!("cannot set the framebuffer: {e}"))?;
        let fb = Rc::new(Fb {
            ptr,
            len: pixels.len(),
            width: w16 as u32,
            height: h16 as u32,
            _fb: fb,
            lender: FrameOwner::new(Box::new(pixels)),
        });
        // SAFETY: the value type is the only one stored under this key.
        unsafe { conn.set_data(FB_KEY, fb.clone()) };
        self.fb.replace(Some(fb));
        let _ = conn.framebuffer_update_request(false, 0, 0, w16, h16);
        self.emit(SessionEvent::Resized {
            width: w16 as u32,
            height: h16 as u32,
        });
        Ok(())
    }

    fn request_update_soon(self: &Rc<Self>) {
        if self.update_pending.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        glib::idle_add_local_once(move || {
            if let Some(inner) = weak.upgrade() {
                inner.update_pending.set(false);
                let size = inner.fb.borrow().as_ref().map(|f| (f.width, f.height));
                if let Some((w, h)) = size {
                    inner.with_conn(|c| {
                        let _ = c.framebuffer_update_request(true, 0, 0, w as u16, h as u16);
                    });
                }
            }
        });
    }

    fn start(self: &Rc<Self>, fd: OwnedFd) {
        self.drop_connection();
        self.fb.replace(None);
        self.auth_failed.set(false);
        self.waiting_password.set(false);
        self.last_error.replace(None);
        let gen = self.generation.get() + 1;
        self.generation.set(gen);
        self.local.set(is_local(&fd));
        let conn = gvnc::Connection::new();
        self.wire(&conn, gen);
        let raw = fd.into_raw_fd();
        // gvnc wraps the descriptor in a GSocket, which closes it.
        if let Err(e) = conn.open_fd(raw) {
            // SAFETY: gvnc refused the descriptor, so it is still ours to close.
            drop(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) });
            self.set_state(SessionState::Disconnected(format!(
                "cannot start the VNC session: {e}"
            )));
            return;
        }
        self.conn.replace(Some(conn));
    }

    fn wire(self: &Rc<Self>, conn: &gvnc::Connection, gen: u64) {
        let weak = Rc::downgrade(self);
        let live = move |w: &Weak<Inner>| w.upgrade().filter(|i| i.generation.get() == gen);

        let w = weak.clone();
        conn.connect_vnc_auth_choose_type(move |c, types| {
            let Some(inner) = live(&w) else { return };
            let offered: Vec<u32> = types
                .iter()
                .filter_map(|v| {
                    v.get::<gvnc::ConnectionAuth>()
                        .ok()
                        .map(|a| a.into_glib() as u32)
                        .or_else(|| v.get::<u32>().ok())
                        .or_else(|| v.get::<i32>().ok().map(|x| x as u32))
                })
                .collect();
            let none = gvnc::ConnectionAuth::None.into_glib() as u32;
            let vnc = gvnc::ConnectionAuth::Vnc.into_glib() as u32;
            let pick = if offered.contains(&none) {
                Some(none)
            } else if offered.contains(&vnc) {
                Some(vnc)
            } else {
                None
            };
            match pick {
                Some(t) => {
                    let _ = c.set_auth_type(t);
                }
                None => {
                    inner.last_error.replace(Some(format!(
                        "the VNC server asks for an authentication method Vireo does not support (types {offered:?})"
                    )));
                    c.shutdown();
                }
            }
        });

        let w = weak.clone();
        conn.connect_vnc_auth_credential(move |c, creds| {
            let Some(inner) = live(&w) else { return };
            for v in creds.iter() {
                let kind = v
                    .get::<gvnc::ConnectionCredential>()
                    .ok()
                    .map(|c| c.into_glib())
                    .or_else(|| v.get::<i32>().ok())
                    .or_else(|| v.get::<u32>().ok().map(|x| x as i32));
                let Some(kind) = kind else {
                    continue;
                };
                if kind == gvnc::ConnectionCredential::Password.into_glib() {
                    let pw = inner
                        .password
                        .borrow()
                        .as_ref()
                        .map(|p| p.expose().to_owned());
                    match pw {
                        Some(p) => {
                            let _ = c.set_credential(kind, &p);
                        }
                        None => {
                            inner.waiting_password.set(true);
                            inner.set_state(SessionState::AuthNeeded {
                                refused: false,
                                message: "The console is protected by a password.".into(),
                            });
                        }
                    }
                } else if kind == gvnc::ConnectionCredential::Clientname.into_glib() {
                    let _ = c.set_credential(kind, "vireo");
                } else {
                    let _ = c.set_credential(kind, "");
                }
            }
        });

        let w = weak.clone();
        conn.connect_vnc_auth_failure(move |_, reason| {
            let Some(inner) = live(&w) else { return };
            inner.auth_failed.set(true);
            // The refused password is forgotten: the next attempt asks again.
            inner.password.replace(None);
            inner.set_state(SessionState::AuthNeeded {
                refused: true,
                message: format!(
                    "The password was refused ({}).",
                    reason.trim_end_matches('.')
                ),
            });
        });

        let w = weak.clone();
        conn.connect_vnc_auth_unsupported(move |_, t| {
            let Some(inner) = live(&w) else { return };
            inner.last_error.replace(Some(format!(
                "the VNC server asks for an authentication method Vireo does not support (type {t})"
            )));
        });

        let w = weak.clone();
        conn.connect_vnc_error(move |_, msg| {
            let Some(inner) = live(&w) else { return };
            log::debug!("vnc error: {msg}");
            inner.last_error.replace(Some(msg.to_string()));
        });

        let w = weak.clone();
        conn.connect_vnc_initialized(move |c| {
            let Some(inner) = live(&w) else { return };
            let Some(fmt) = local_format() else { return };
            let setup = c
                .set_pixel_format(&fmt)
                .and_then(|_| c.set_encodings(&encodings(inner.local.get())))
                .map_err(|e| e.to_string())
                .and_then(|_| inner.make_framebuffer(c));
            match setup {
                Ok(()) => {
                    inner.set_state(SessionState::Connected);
                    inner.emit(SessionEvent::PointerMode {
                        absolute: c.is_abs_pointer(),
                    });
                }
                Err(e) => {
                    inner.last_error.replace(Some(e));
                    c.shutdown();
                }
            }
        });

        let w = weak.clone();
        conn.connect_vnc_framebuffer_update(move |_, x, y, width, height| {
            let Some(inner) = live(&w) else { return };
            inner.emit(SessionEvent::Damage {
                x: x.max(0) as u32,
                y: y.max(0) as u32,
                width: width.max(0) as u32,
                height: height.max(0) as u32,
            });
            inner.request_update_soon();
        });

        let w = weak.clone();
        conn.connect_vnc_desktop_resize(move |c, width, height| {
            let Some(inner) = live(&w) else { return };
            let same = inner
                .fb
                .borrow()
                .as_ref()
                .is_some_and(|f| f.width as i32 == width && f.height as i32 == height);
            // gvnc repeats the current size several times while setting up.
            if same || !c.is_initialized() {
                return;
            }
            if let Err(e) = inner.make_framebuffer(c) {
                inner.last_error.replace(Some(e));
                c.shutdown();
            }
        });

        let w = weak.clone();
        conn.connect_vnc_pointer_mode_changed(move |_, absolute| {
            let Some(inner) = live(&w) else { return };
            inner.emit(SessionEvent::PointerMode { absolute });
        });

        let w = weak.clone();
        conn.connect_vnc_bell(move |_| {
            if let Some(inner) = live(&w) {
                inner.emit(SessionEvent::Bell);
            }
        });

        let w = weak;
        conn.connect_vnc_disconnected(move |_| {
            let Some(inner) = live(&w) else { return };
            inner.fb.replace(None);
            if inner.auth_failed.get() {
                return; // stays AuthNeeded { refused }
            }
            let reason = inner
                .last_error
                .borrow()
                .clone()
                .unwrap_or_else(|| "the VNC server closed the connection".into());
            inner.set_state(SessionState::Disconnected(super::session::capitalise(
                &reason,
            )));
        });
    }
}

impl Session for VncSession {
    fn protocol(&self) -> Protocol {
        Protocol::Vnc
    }

    fn state(&self) -> SessionState {
        self.0.report.state()
    }

    fn with_frame(&self, f: &mut dyn FnMut(FrameView<'_>)) {
        if let Some(fb) = self.0.fb.borrow().as_ref() {
            f(FrameView {
                data: fb.data(),
                width: fb.width,
                height: fb.height,
                stride: fb.width as usize * 4,
                owner: Some(&fb.lender),
            });
        }
    }

    fn key(&self, qnum: u16, keysym: u32, down: bool) {
        self.0.with_conn(|c| {
            let _ = c.key_event(down, keysym, qnum);
        });
    }

    fn pointer_at(&self, x: u32, y: u32, buttons: Buttons) {
        self.0.with_conn(|c| {
            let _ = c.pointer_event(
                buttons.0,
                x.min(u16::MAX as u32) as u16,
                y.min(u16::MAX as u32) as u16,
            );
        });
    }

    fn pointer_by(&self, dx: i32, dy: i32, buttons: Buttons) {
        // QEMU's VNC server takes relative motion as offsets from the centre 0x7FFF, once it
        // announced relative mode through the pointer-type-change extension.
        let off = |d: i32| (0x7FFF + d.clamp(-0x7FFF, 0x7FFF)) as u16;
        self.0.with_conn(|c| {
            let _ = c.pointer_event(buttons.0, off(dx), off(dy));
        });
    }

    fn scroll(&self, up: bool, x: u32, y: u32, buttons: Buttons) {
        let wheel = if up { 8 } else { 16 };
        let (x, y) = (x.min(u16::MAX as u32) as u16, y.min(u16::MAX as u32) as u16);
        self.0.with_conn(|c| {
            let _ = c.pointer_event(buttons.0 | wheel, x, y);
            let _ = c.pointer_event(buttons.0, x, y);
        });
    }

    fn is_absolute(&self) -> bool {
        self.0
            .conn
            .borrow()
            .as_ref()
            .is_some_and(|c| c.is_initialized() && c.is_abs_pointer())
    }

    fn set_password(&self, password: Secret) {
        let inner = &self.0;
        if inner.waiting_password.replace(false) {
            let answered = inner.conn.borrow().as_ref().map(|c| {
                c.set_credential(
                    gvnc::ConnectionCredential::Password.into_glib(),
                    password.expose(),
                )
            });
            inner.password.replace(Some(password));
            if matches!(answered, Some(Ok(()))) {
                inner.set_state(SessionState::Connecting);
                return;
            }
        } else {
            inner.password.replace(Some(password));
        }
        self.connect();
    }

    fn request_size(&self, width: u32, height: u32) -> bool {
        let mut ok = false;
        self.0.with_conn(|c| {
            ok = matches!(
                c.set_size(width, height),
                gvnc::ConnectionResizeStatus::Ok | gvnc::ConnectionResizeStatus::Forwarded
            );
        });
        ok
    }

    fn connect(&self) {
        let inner = self.0.clone();
        inner.report.closed.set(false);
        inner.drop_connection();
        inner.fb.replace(None);
        super::session::reopen(&inner, Protocol::Vnc);
    }

    fn start_with(&self, fd: OwnedFd) {
        self.0.report.closed.set(false);
        self.0.start(fd);
    }

    fn close(&self) {
        self.0.report.closed.set(true);
        self.0.generation.set(self.0.generation.get() + 1);
        self.0.drop_connection();
        self.0.fb.replace(None);
    }
}

impl Drop for VncSession {
    fn drop(&mut self) {
        self.close();
    }
}
