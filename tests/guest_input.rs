// SPDX-License-Identifier: GPL-3.0-or-later
//! The test guest's input logging, checked without Vireo: keys sent with `virsh send-key`
//! and pointer events sent through QEMU's monitor must show up on the guest's serial port
//! as `input key CODE VALUE`, `input btn CODE VALUE` and `input abs X Y` lines, and
//! Ctrl+Alt+Del must print `ctrl-alt-del received` without rebooting the guest. Console
//! tests rely on these lines to see that their input reached the guest.

mod common;

use std::time::{Duration, Instant};

use common::system::{self, TestGuest};
use virt::connect::Connect;

const MARKER: &str = "=== vireo test guest ===";

/// Runs `virsh -c qemu:///system ARGS` and returns its standard output; panics on failure.
fn virsh(args: &[&str]) -> String {
    let out = std::process::Command::new("virsh")
        .args(["-c", system::SYSTEM_URI])
        .args(args)
        .output()
        .expect("run virsh");
    assert!(
        out.status.success(),
        "virsh {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn serial_text(guest: &TestGuest) -> String {
    let bytes = std::fs::read(&guest.serial_log).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Where `line` occurs as the end of a line in `text` at or after byte `from`.
fn find_line(text: &str, from: usize, line: &str) -> Option<usize> {
    let from = from.min(text.len());
    text.get(from..)?
        .match_indices(line)
        .map(|(i, _)| from + i)
        .find(|&i| matches!(text.as_bytes().get(i + line.len()), Some(b'\r' | b'\n')))
}

/// Waits until `found` finds something in the serial log from byte `from` on (given the
/// whole text and `from`, it returns the offset just past what it looked for).
fn wait_for(
    guest: &TestGuest,
    from: usize,
    what: &str,
    timeout: Duration,
    found: impl Fn(&str, usize) -> Option<usize>,
) -> usize {
    let deadline = Instant::now() + timeout;
    loop {
        let text = serial_text(guest);
        if let Some(end) = found(&text, from) {
            return end;
        }
        if Instant::now() > deadline {
            panic!(
                "guest {} did not print {what} within {timeout:?}; serial log from byte {from}:\n{}",
                guest.name,
                text.get(from.min(text.len())..).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the serial log has `line` as a line ending at or after byte `from`; returns
/// the offset just past it.
fn wait_line(guest: &TestGuest, from: usize, line: &str, timeout: Duration) -> usize {
    wait_for(guest, from, &format!("{line:?}"), timeout, |text, from| {
        find_line(text, from, line).map(|i| i + line.len())
    })
}

/// Waits for `n` whole "tick N" lines after byte `from`.
fn wait_ticks(guest: &TestGuest, from: usize, n: usize, timeout: Duration) {
    wait_for(guest, from, &format!("{n} ticks"), timeout, |text, from| {
        let after = text.get(from.min(text.len())..)?;
        let complete = after.rfind('\n').map_or("", |i| &after[..i]);
        (complete.matches(" tick ").count() >= n).then_some(text.len())
    });
}

#[test]
fn guest_logs_console_input() {
    if !system::available("guest_logs_console_input") {
        return;
    }
    let guest = TestGuest::define("vireo-test-input", "vireo-test-vnc.xml");
    let name = guest.name.as_str();
    let conn = Connect::open(Some(system::SYSTEM_URI)).expect("system connection");
    let dom = conn
        .lookup_domain_by_uuid_string(&guest.uuid)
        .expect("defined guest");
    assert!(
        dom.xml_desc(0)
            .expect("domain xml")
            .contains("<input type='tablet' bus='usb'"),
        "the guest template has no USB tablet: rebuild it with build-aux/make-test-guest.sh"
    );
    dom.create().expect("start the test guest");

    // Each device says so once its reader listens; input sent before would be lost.
    let boot = Duration::from_secs(120);
    guest.wait_serial("tick 1 ", boot);
    guest.wait_serial("\"AT Translated Set 2 keyboard\"", boot);
    guest.wait_serial("\"QEMU QEMU USB Tablet\"", boot);
    guest.wait_serial("PS/2", boot); // the PS/2 mouse: "ImExPS/2 Generic Explorer Mouse"

    let wait = Duration::from_secs(30);
    let text_len = || serial_text(&guest).len();

    // A key: down then up, as evdev key code 30.
    let mark = text_len();
    virsh(&["send-key", name, "KEY_A"]);
    let down = wait_line(&guest, mark, "input key 30 1", wait);
    wait_line(&guest, down, "input key 30 0", wait);

    // Ctrl+Alt+Del reaches the guest as keys and as the kernel's signal to /init, which
    // says so instead of rebooting: the ticks go on and the marker is not printed again.
    let mark = text_len();
    virsh(&[
        "send-key",
        name,
        "KEY_LEFTCTRL",
        "KEY_LEFTALT",
        "KEY_DELETE",
    ]);
    let cad = wait_line(&guest, mark, "ctrl-alt-del received", wait);
    for key in ["29", "56", "111"] {
        let down = wait_line(&guest, mark, &format!("input key {key} 1"), wait);
        wait_line(&guest, down, &format!("input key {key} 0"), wait);
    }
    wait_ticks(&guest, cad, 2, wait);
    assert_eq!(
        serial_text(&guest).matches(MARKER).count(),
        1,
        "the guest rebooted after Ctrl+Alt+Del:\n{}",
        serial_text(&guest)
    );
    assert_eq!(guest.state_seen_by_libvirt(), "running");

    // A click of the left button (BTN_LEFT, 272) from whichever pointer QEMU routes it to.
    let mark = text_len();
    virsh(&["qemu-monitor-command", name, "--hmp", "mouse_button 1"]);
    let down = wait_line(&guest, mark, "input btn 272 1", wait);
    virsh(&["qemu-monitor-command", name, "--hmp", "mouse_button 0"]);
    wait_line(&guest, down, "input btn 272 0", wait);

    // An absolute position goes to the USB tablet, unscaled (QEMU's range is 0..=0x7fff).
    let mark = text_len();
    virsh(&[
        "qemu-monitor-command",
        name,
        r#"{"execute":"input-send-event","arguments":{"events":[
            {"type":"abs","data":{"axis":"x","value":1000}},
            {"type":"abs","data":{"axis":"y","value":2000}}]}}"#,
    ]);
    wait_line(&guest, mark, "input abs 1000 2000", wait);
}
