// SPDX-License-Identifier: GPL-3.0-or-later
//! VNC and SPICE console sessions (no GTK) against the real test guest on qemu:///system:
//! frames arrive and change, keys and clicks reach the guest (it logs its input events to
//! the serial port), a password-protected display asks, refuses a wrong password and takes
//! the right one, and a killed guest ends the session with a reason, after which starting
//! it again lets the session reconnect.

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::system::{available, TestGuest, SYSTEM_URI};
use vireo::backend::auth::Secret;
use vireo::console::keymap;
use vireo::console::session::{self, Buttons, GraphicsSource, Session, SessionEvent, SessionState};

/// Sessions run on the default main context, which one test at a time may drive.
static MAIN_CONTEXT: Mutex<()> = Mutex::new(());

/// Sockets straight from libvirt, on this thread (the app asks its worker instead).
struct Direct(virt::domain::Domain);

impl GraphicsSource for Direct {
    fn open(
        &self,
        done: Box<
            dyn FnOnce(Result<(session::Protocol, std::os::fd::OwnedFd), session::GraphicsError>),
        >,
    ) {
        let r = vireo::backend::graphics::open(&self.0, None).map(|s| (s.protocol, s.fd));
        glib::idle_add_local_once(move || done(r));
    }
}

#[derive(Default)]
struct Seen {
    states: Vec<SessionState>,
    damage: usize,
}

fn pump_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let ctx = glib::MainContext::default();
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        if !ctx.iteration(false) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

fn pump_for(d: Duration) {
    let _ = pump_until_or_timeout(d);
}

fn pump_until_or_timeout(d: Duration) -> bool {
    let ctx = glib::MainContext::default();
    let deadline = Instant::now() + d;
    while Instant::now() < deadline {
        if !ctx.iteration(false) {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    true
}

/// (non-black pixel count, cheap hash) of the session's frame.
fn frame_summary(s: &dyn Session) -> Option<(usize, u64, u32, u32)> {
    let mut out = None;
    s.with_frame(&mut |f| {
        let mut lit = 0;
        let mut h: u64 = 1469598103934665603;
        for y in 0..f.height as usize {
            let row = &f.data[y * f.stride..y * f.stride + f.width as usize * 4];
            for px in row.chunks_exact(4) {
                if px[0] > 16 || px[1] > 16 || px[2] > 16 {
                    lit += 1;
                }
                for &b in &px[..3] {
                    h = (h ^ b as u64).wrapping_mul(1099511628211);
                }
            }
        }
        out = Some((lit, h, f.width, f.height));
    });
    out
}

fn start_guest(
    name: &str,
    template: &str,
    passwd: Option<&str>,
) -> (TestGuest, virt::domain::Domain) {
    let guest = TestGuest::define(name, template);
    let conn = virt::connect::Connect::open(Some(SYSTEM_URI)).expect("connect");
    let mut dom = conn.lookup_domain_by_name(name).expect("lookup");
    if let Some(pw) = passwd {
        let xml = dom
            .xml_desc(virt::sys::VIR_DOMAIN_XML_INACTIVE)
            .expect("xml");
        let xml = xml.replacen("<graphics ", &format!("<graphics passwd='{pw}' "), 1);
        dom = conn
            .define_domain_xml(&xml)
            .expect("redefine with password");
    }
    dom.create().expect("start guest");
    guest.wait_serial("=== vireo test guest ===", Duration::from_secs(120));
    (guest, dom)
}

fn open_session(
    dom: &virt::domain::Domain,
    password: Option<Secret>,
) -> (session::SessionSlot, Rc<RefCell<Seen>>) {
    let seen = Rc::new(RefCell::new(Seen::default()));
    let s2 = seen.clone();
    let listener: session::Listener = Rc::new(move |ev: &SessionEvent| {
        let mut s = s2.borrow_mut();
        match ev {
            SessionEvent::State(st) => s.states.push(st.clone()),
            SessionEvent::Damage { .. } => s.damage += 1,
            _ => {}
        }
    });
    let slot = session::open(Rc::new(Direct(dom.clone())), listener, password);
    (slot, seen)
}

fn last_state(seen: &Rc<RefCell<Seen>>) -> Option<SessionState> {
    seen.borrow().states.last().cloned()
}

/// Types "ab" and Enter through the session and clicks; the guest logs each event.
/// Waits for the guest's serial log to contain `needle`, running the main loop meanwhile
/// (sessions write to their sockets from it).
fn wait_serial(guest: &TestGuest, needle: &str, timeout: Duration) {
    pump_until(&format!("{needle:?} in the serial log"), timeout, || {
        std::fs::read_to_string(&guest.serial_log).is_ok_and(|t| t.contains(needle))
    });
}

fn input_reaches_guest(guest: &TestGuest, s: &dyn Session) {
    // The guest logs a device, its name in quotes, once its reader has it open (USB comes
    // up a few seconds after boot). The kernel's own lines name the devices earlier, without
    // quotes: a click sent then goes to the PS/2 mouse, which nobody reads yet, and is lost.
    wait_serial(
        guest,
        "\"AT Translated Set 2 keyboard\"",
        Duration::from_secs(60),
    );
    wait_serial(guest, "\"QEMU QEMU USB Tablet\"", Duration::from_secs(60));
    for key in [30u16, 48, 28] {
        // a, b, Return: evdev codes equal qnum for these
        s.key(keymap::qnum_from_evdev(key as u32).expect("qnum"), 0, true);
        s.key(keymap::qnum_from_evdev(key as u32).expect("qnum"), 0, false);
    }
    wait_serial(guest, "input key 30 1", Duration::from_secs(30));
    wait_serial(guest, "input key 48 0", Duration::from_secs(30));
    wait_serial(guest, "input key 28 0", Duration::from_secs(30));
    // A click: absolute position in the middle, left button down and up.
    // (As a user's pointer does: it arrives, then presses and releases.)
    s.pointer_at(100, 100, Buttons(0));
    pump_for(Duration::from_millis(200));
    s.pointer_at(100, 100, Buttons(Buttons::LEFT));
    pump_for(Duration::from_millis(200));
    s.pointer_at(100, 100, Buttons(0));
    wait_serial(guest, "input btn 272 1", Duration::from_secs(30));
    wait_serial(guest, "input btn 272 0", Duration::from_secs(30));
    // Ctrl+Alt+Del as the Send Key menu sends it.
    let combo = keymap::Combo::from_id("ctrl-alt-del").and_then(|c| c.scancodes());
    session::send_combo(s, &combo.expect("combo"));
    wait_serial(guest, "ctrl-alt-del received", Duration::from_secs(30));
}

fn frames_arrive_and_change(s: &dyn Session, seen: &Rc<RefCell<Seen>>) {
    pump_until("a lit frame", Duration::from_secs(60), || {
        frame_summary(s).is_some_and(|(lit, ..)| lit > 500)
    });
    let (lit, first, w, h) = frame_summary(s).expect("frame");
    assert!(w >= 640 && h >= 350, "guest screen is {w}×{h}");
    assert!(
        lit > 500,
        "the guest's coloured lines show ({lit} lit pixels)"
    );
    // The guest prints a new line every second: the frame must change within a few.
    pump_until("the frame to change", Duration::from_secs(20), || {
        frame_summary(s).is_some_and(|(_, hash, ..)| hash != first)
    });
    // The pixels can land (raw rectangles are read straight into the frame) a moment
    // before the update's signal is delivered: wait for it, as a paint would.
    pump_until("damage events", Duration::from_secs(10), || {
        seen.borrow().damage > 0
    });
    assert!(seen.borrow().damage > 0, "damage events arrived");
}

#[test]
fn vnc_console_session() {
    if !available("vnc_console_session") {
        return;
    }
    let _lock = MAIN_CONTEXT.lock().unwrap_or_else(|e| e.into_inner());
    let (guest, dom) = start_guest(
        "vireo-test-console-vnc",
        "vireo-test-vnc.xml",
        Some("s3cret"),
    );

    // No password: the session asks, nothing hangs.
    let (slot, seen) = open_session(&dom, None);
    pump_until("the password request", Duration::from_secs(30), || {
        matches!(
            last_state(&seen),
            Some(SessionState::AuthNeeded { refused: false, .. })
        )
    });
    let s = slot.get().expect("session");
    // A wrong password is refused with a clear message.
    s.set_password(Secret::new("wrong"));
    pump_until("the refusal", Duration::from_secs(30), || {
        matches!(
            last_state(&seen),
            Some(SessionState::AuthNeeded { refused: true, .. })
        )
    });
    let Some(SessionState::AuthNeeded { message, .. }) = last_state(&seen) else {
        unreachable!()
    };
    assert!(message.contains("refused"), "message says why: {message}");
    // The right one connects.
    s.set_password(Secret::new("s3cret"));
    pump_until("the connection", Duration::from_secs(30), || {
        last_state(&seen) == Some(SessionState::Connected)
    });
    frames_arrive_and_change(&*s, &seen);
    input_reaches_guest(&guest, &*s);

    // Killing the guest ends the session with a reason.
    dom.destroy().expect("destroy");
    pump_until("the disconnection", Duration::from_secs(30), || {
        matches!(last_state(&seen), Some(SessionState::Disconnected(_)))
    });
    let Some(SessionState::Disconnected(reason)) = last_state(&seen) else {
        unreachable!()
    };
    assert!(!reason.is_empty());
    // Reconnecting while it is off says so.
    s.connect();
    pump_until(
        "not running",
        Duration::from_secs(30),
        || matches!(last_state(&seen), Some(SessionState::Disconnected(ref r)) if r.contains("not running")),
    );
    // Started again, the session reconnects (the password is remembered).
    dom.create().expect("restart");
    s.connect();
    pump_until("the reconnection", Duration::from_secs(60), || {
        last_state(&seen) == Some(SessionState::Connected)
    });
    pump_until("a lit frame after restart", Duration::from_secs(90), || {
        frame_summary(&*s).is_some_and(|(lit, ..)| lit > 500)
    });
    s.close();
    pump_for(Duration::from_millis(200));
}

#[test]
fn spice_console_session() {
    if !available("spice_console_session") {
        return;
    }
    let _lock = MAIN_CONTEXT.lock().unwrap_or_else(|e| e.into_inner());
    let (guest, dom) = start_guest("vireo-test-console-spice", "vireo-test-spice.xml", None);
    let (slot, seen) = open_session(&dom, None);
    pump_until("the connection", Duration::from_secs(60), || {
        last_state(&seen) == Some(SessionState::Connected)
    });
    let s = slot.get().expect("session");
    frames_arrive_and_change(&*s, &seen);
    input_reaches_guest(&guest, &*s);
    dom.destroy().expect("destroy");
    pump_until("the disconnection", Duration::from_secs(30), || {
        matches!(last_state(&seen), Some(SessionState::Disconnected(_)))
    });
    s.close();
    pump_for(Duration::from_millis(200));
}
