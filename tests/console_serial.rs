// SPDX-License-Identifier: GPL-3.0-or-later
//! The serial console against the real system daemon and the booted test guest, whose
//! ttyS0 prints a `tick N` line every second: a shut-off guest's console cannot be opened
//! (and says why); the console of the running guest delivers those lines and takes input
//! (the guest's tty echoes it back);
//! a second client is refused until it forces its way in, which closes the first console
//! with "taken over"; a closed console releases the port for the next one; and destroying
//! the guest closes the console with "guest stopped".
//!
//! One test function: each step needs the guest in the state the previous one left.

mod common;

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::system::{self, TestGuest};
use vireo::backend::ErrorKind;
use vireo::console::serial::{self, CloseReason, OpenMode, SerialConsole, SerialEvent};
use vireo::runtime::channel_sink;

/// Collects console output until it contains `needle`; panics with what came otherwise.
fn wait_for_text(rx: &Receiver<SerialEvent>, needle: &str, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(SerialEvent::Data(bytes)) => {
                seen.extend_from_slice(&bytes);
                let text = String::from_utf8_lossy(&seen);
                if text.contains(needle) {
                    return text.into_owned();
                }
            }
            Ok(SerialEvent::Closed(r)) => panic!(
                "console closed ({r}) before {needle:?}; output:\n{}",
                String::from_utf8_lossy(&seen)
            ),
            Err(_) => panic!(
                "no {needle:?} within {timeout:?}; output:\n{}",
                String::from_utf8_lossy(&seen)
            ),
        }
    }
}

/// Skips output until the console closes; returns why and how long it took.
fn wait_closed(rx: &Receiver<SerialEvent>, timeout: Duration) -> (CloseReason, Duration) {
    let start = Instant::now();
    let deadline = start + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(SerialEvent::Data(_)) => continue,
            Ok(SerialEvent::Closed(r)) => return (r, start.elapsed()),
            Err(_) => panic!("the console did not report Closed within {timeout:?}"),
        }
    }
}

/// Nothing may follow `Closed`: the reader thread ended and dropped its sink.
fn assert_ended(rx: &Receiver<SerialEvent>) {
    match rx.recv_timeout(Duration::from_secs(2)) {
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {}
        other => panic!("expected the event channel to end after Closed, got {other:?}"),
    }
}

#[test]
fn serial_console_of_the_real_guest() {
    if !system::available("serial_console_of_the_real_guest") {
        return;
    }
    let guest = TestGuest::define("vireo-test-serial", "vireo-test-vnc.xml");
    let conn = virt::connect::Connect::open(Some(system::SYSTEM_URI)).expect("connect");
    let dom = conn.lookup_domain_by_name(&guest.name).expect("lookup");

    // Shut off: a clear error, no threads left behind.
    let (sink, _rx) = channel_sink();
    let err =
        SerialConsole::open(&dom, sink).expect_err("the console of a shut-off guest cannot open");
    eprintln!("shut-off guest: {err}");
    assert_eq!(err.kind, ErrorKind::InvalidState, "{err}");
    assert!(err.message.contains("not running"), "{err}");
    assert!(!serial::is_busy(&err), "{err}");

    dom.create().expect("start the guest");
    guest.wait_serial("tick", Duration::from_secs(180));

    // Running: the guest's own lines arrive, input is accepted.
    let (sink, rx) = channel_sink();
    let first = SerialConsole::open(&dom, sink).expect("open the console");
    let text = wait_for_text(&rx, "tick", Duration::from_secs(10));
    eprintln!(
        "console output: {:?}",
        text.lines().last().unwrap_or_default()
    );
    // The guest's ttyS0 echoes input (its line discipline does, as long as some process in
    // the guest holds the port open, which its acpid does): typed text comes back.
    first.write(b"hello from vireo\r").expect("write");
    wait_for_text(&rx, "hello from vireo", Duration::from_secs(10));
    first.write(&[0x03]).expect("write a control byte");
    wait_for_text(&rx, "tick", Duration::from_secs(5));

    // A second client is refused while the first holds the console...
    let (sink2, _rx2) = channel_sink();
    let busy = SerialConsole::open(&dom, sink2).expect_err("a second console is refused");
    eprintln!("second client: {busy}");
    assert_eq!(busy.kind, ErrorKind::InvalidState, "{busy}");
    assert!(serial::is_busy(&busy), "{busy}");

    // ...until it forces its way in: the first then closes with a reason.
    let (sink2, rx2) = channel_sink();
    let second = SerialConsole::open_with(&dom, OpenMode::TakeOver, sink2).expect("force open");
    let (reason, after) = wait_closed(&rx, Duration::from_secs(5));
    eprintln!("first console after the takeover: {reason} ({after:?})");
    assert_eq!(reason, CloseReason::TakenOver);
    assert_ended(&rx);
    assert!(first.write(b"x").is_err(), "a closed console refuses input");
    drop(first);
    wait_for_text(&rx2, "tick", Duration::from_secs(5));

    // Closing is ours: reported as requested, and the port is free again at once.
    let t = Instant::now();
    second.close();
    assert!(
        t.elapsed() < Duration::from_millis(100),
        "close must not block"
    );
    let (reason, after) = wait_closed(&rx2, Duration::from_secs(5));
    eprintln!("closed on request in {after:?}");
    assert_eq!(reason, CloseReason::Requested);
    assert_ended(&rx2);
    let (sink3, rx3) = channel_sink();
    let third = SerialConsole::open(&dom, sink3).expect("reopen after close");
    wait_for_text(&rx3, "tick", Duration::from_secs(5));

    // The guest stops under the console: closed with that reason, promptly.
    dom.destroy().expect("destroy the guest");
    let (reason, after) = wait_closed(&rx3, Duration::from_secs(10));
    eprintln!("after destroy: {reason} ({after:?})");
    assert_eq!(reason, CloseReason::GuestStopped);
    assert!(after < Duration::from_secs(5), "took {after:?}");
    assert_ended(&rx3);
    drop(third);

    let (sink, _rx) = channel_sink();
    let err = SerialConsole::open(&dom, sink).expect_err("no console once the guest is off");
    assert_eq!(err.kind, ErrorKind::InvalidState, "{err}");
}

/// libvirt's test driver has no consoles: opening one is a clean error, not a hang or a
/// panic (this runs everywhere, without the system daemon).
#[test]
fn test_driver_console_is_a_clean_error() {
    vireo::backend::init();
    let conn = virt::connect::Connect::open(Some("test:///default")).expect("test driver");
    let dom = conn
        .lookup_domain_by_name("test")
        .expect("the running test domain");
    let (sink, rx) = channel_sink();
    let err = SerialConsole::open(&dom, sink).expect_err("the test driver opens no console");
    eprintln!("test driver: {err}");
    assert_eq!(err.kind, ErrorKind::Unsupported, "{err}");
    assert!(
        rx.try_recv().is_err(),
        "no events from a console that never opened"
    );
}
