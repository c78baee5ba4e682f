// SPDX-License-Identifier: GPL-3.0-or-later
//! A user without rights on the system daemon gets a `Denied` error carrying libvirt's
//! reason, not a hang or a panic. The test re-runs itself as the unprivileged user `nobody`
//! (from a copy of the test binary that user can read).

mod common;

use std::time::Duration;

use common::Harness;
use vireo::backend::{BackendEvent, ConnState, ErrorKind};

const CHILD: &str = "VIREO_PERMISSION_CHILD";

#[test]
fn unprivileged_user_is_denied_with_libvirts_reason() {
    if std::env::var_os(CHILD).is_some() {
        // The child, running as nobody.
        let mut h = Harness::new();
        h.backend
            .open(common::system::SYSTEM_URI)
            .expect("valid uri");
        let ev = h.wait_for("connection result", Duration::from_secs(30), |e| {
            matches!(
                e,
                BackendEvent::State {
                    state: ConnState::Failed(_) | ConnState::Connected { .. },
                    ..
                }
            )
        });
        let BackendEvent::State {
            state: ConnState::Failed(err),
            ..
        } = ev
        else {
            panic!("an unprivileged user connected to the system daemon: {ev:?}");
        };
        println!("denied: {err}");
        assert_eq!(err.kind, ErrorKind::Denied, "{err:?}");
        assert!(!err.message.is_empty());
        return;
    }
    if !common::system::available("unprivileged_user_is_denied_with_libvirts_reason") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("vireo-perm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let exe = dir.join("backend_permission");
    std::fs::copy(std::env::current_exe().expect("own path"), &exe).expect("copy test binary");
    let _ = std::process::Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(&dir)
        .status();
    let out = std::process::Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(&exe)
        .args([
            "--exact",
            "unprivileged_user_is_denied_with_libvirts_reason",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("HOME", &dir)
        .env("XDG_RUNTIME_DIR", &dir)
        .output()
        .expect("runuser");
    let _ = std::fs::remove_dir_all(&dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    assert!(out.status.success(), "child as nobody failed:\n{text}");
    assert!(
        text.contains("denied: "),
        "child did not report the refusal:\n{text}"
    );
}
