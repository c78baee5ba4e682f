// SPDX-License-Identifier: GPL-3.0-or-later
//! The real app under Xvfb on a private session bus, read through AT-SPI and driven through
//! its GActions over D-Bus: `tests/ui/main_window.py` does the reading and driving (pyatspi,
//! as virt-manager's dogtail suite does); this test runs it around the built binary.
//! Screenshots land in `VIREO_ARTIFACTS` (default `target/test-artifacts`).
#![cfg(feature = "ui")]

mod common;

use std::path::PathBuf;
use std::process::Command;

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn main_window_under_xvfb() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let missing: Vec<_> = [
        "Xvfb",
        "dbus-run-session",
        "gdbus",
        "import",
        "xdotool",
        "glib-compile-schemas",
        "/usr/bin/python3",
    ]
    .into_iter()
    .filter(|c| !have(c))
    .chain(
        (!std::path::Path::new("/usr/libexec/at-spi-bus-launcher").exists())
            .then_some("at-spi-bus-launcher"),
    )
    .collect();
    if !missing.is_empty() {
        if common::system::required() {
            panic!("UI test prerequisites missing: {missing:?}");
        }
        eprintln!("SKIPPED main_window_under_xvfb: missing {missing:?}; run build-aux/test.sh");
        return;
    }
    let artifacts = std::env::var_os("VIREO_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/test-artifacts"));
    let testsuite = common::fixtures().join("testsuite.xml");
    assert!(
        testsuite.exists(),
        "fixture {} missing (set VIREO_FIXTURES)",
        testsuite.display()
    );
    // Our own X server, on a display number of our own (from our pid, moving on while
    // taken): -displayfd always starts at :0, where a just-stopped server's socket can still
    // be in the way, and xvfb-run -a races with other servers starting at the same time.
    let (xvfb, display) = start_xvfb();
    // Stopped with SIGTERM so that it removes its socket and lock file (a SIGKILLed X
    // server leaves a stale socket that the next one, on the same number, trips over).
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = Command::new("kill").arg(self.0.id().to_string()).status();
            for _ in 0..50 {
                if matches!(self.0.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _xvfb = Kill(xvfb);
    let display = format!(":{display}");
    // The app's settings, compiled from data/ into a scratch directory and kept in a keyfile
    // there, so the test sees remembered choices (hidden columns) without touching the
    // user's own settings.
    let scratch = std::env::temp_dir().join(format!("vireo-ui-{}", std::process::id()));
    let schemas = scratch.join("schemas");
    std::fs::create_dir_all(&schemas).expect("scratch dir");
    let st = Command::new("glib-compile-schemas")
        .arg("--targetdir")
        .arg(&schemas)
        .arg(root.join("data"))
        .status()
        .expect("glib-compile-schemas");
    assert!(st.success(), "glib-compile-schemas failed");
    let mut cmd = Command::new("dbus-run-session");
    cmd.args(["--", "/usr/bin/python3"])
        .arg(root.join("tests/ui/main_window.py"))
        .arg("--app")
        .arg(env!("CARGO_BIN_EXE_vireo"))
        .arg("--testsuite")
        .arg(&testsuite)
        .arg("--artifacts")
        .arg(&artifacts)
        .env("DISPLAY", &display)
        .env("GSETTINGS_SCHEMA_DIR", &schemas)
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("XDG_CONFIG_HOME", scratch.join("config"))
        .env_remove("XAUTHORITY")
        .env_remove("WAYLAND_DISPLAY")
        .env("NO_AT_BRIDGE", "0")
        .env_remove("DBUS_SESSION_BUS_ADDRESS");
    // VIREO_UI_ONLY=a,b runs only those scenarios (while working on them).
    if let Some(only) = std::env::var_os("VIREO_UI_ONLY") {
        cmd.arg("--only").arg(only);
    }
    // The qemu:///system scenario restarts libvirtd: only where the system tests run.
    if common::system::available("main_window_under_xvfb (system scenario)") {
        cmd.arg("--system");
    }
    let status = cmd.status().expect("run dbus-run-session");
    let _ = std::fs::remove_dir_all(&scratch);
    assert!(
        status.success(),
        "UI scenarios failed (see [ui-test] lines above); screenshots in {}",
        artifacts.display()
    );
}

/// Starts Xvfb on the first free display from a pid-derived number; returns it and the number.
fn start_xvfb() -> (std::process::Child, u32) {
    let first = 300 + std::process::id() % 600;
    for n in first..first + 50 {
        if std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        // No lock: a socket left there is stale, and would look like readiness below.
        let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{n}"));
        let mut child = Command::new("Xvfb")
            .arg(format!(":{n}"))
            .args(["-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start Xvfb");
        // Ready when a client gets an answer (the socket file appears before the server
        // accepts connections); gone if the number was taken after all.
        for _ in 0..200 {
            if matches!(child.try_wait(), Ok(Some(_))) {
                break;
            }
            let answered = Command::new("xdotool")
                .arg("getdisplaygeometry")
                .env("DISPLAY", format!(":{n}"))
                .env_remove("XAUTHORITY")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if answered {
                return (child, n);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("no free X display for Xvfb");
}
