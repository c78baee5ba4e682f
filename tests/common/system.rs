// SPDX-License-Identifier: GPL-3.0-or-later
//! Helpers for tests against the real system daemon (qemu:///system) and the real test
//! guest. These tests need root, a running libvirtd and the guest built by
//! `build-aux/make-test-guest.sh`; `build-aux/test.sh` provides all three and sets
//! `VIREO_REQUIRE_SYSTEM=1`, under which a missing piece fails the test. Without that
//! variable (a plain `cargo test` on a desktop) they are skipped with a notice.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const SYSTEM_URI: &str = "qemu:///system";

/// Whether the system tests must run (CI) or may be skipped.
pub fn required() -> bool {
    std::env::var_os("VIREO_REQUIRE_SYSTEM").is_some_and(|v| v == "1")
}

/// Returns false (and says why) when the system tests cannot run here and are not required.
pub fn available(test: &str) -> bool {
    let reason = if unsafe_uid() != 0 {
        Some("not running as root".to_string())
    } else {
        match virt::connect::Connect::open(Some(SYSTEM_URI)) {
            Ok(_) => None,
            Err(e) => Some(format!("{SYSTEM_URI} unreachable: {}", e.message())),
        }
    };
    match reason {
        None => true,
        Some(r) if required() => panic!("{test}: {r} (VIREO_REQUIRE_SYSTEM=1)"),
        Some(r) => {
            eprintln!("SKIPPED {test}: {r}; run build-aux/test.sh for the full suite");
            false
        }
    }
}

fn unsafe_uid() -> u32 {
    // /proc/self/status "Uid:" line, without a libc dependency.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(u32::MAX)
}

/// The test guest directory (`VIREO_TEST_GUEST_DIR`, default libvirt's own image
/// directory, which QEMU may read whatever the project's path), built on demand with the
/// project's script.
pub fn guest_dir() -> PathBuf {
    let dir = std::env::var_os("VIREO_TEST_GUEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/lib/libvirt/images/vireo-test-guest"));
    if !dir.join("vireo-test-vnc.xml").exists() {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("build-aux/make-test-guest.sh");
        let st = std::process::Command::new("bash")
            .arg(&script)
            .arg(&dir)
            .status()
            .expect("run make-test-guest.sh");
        assert!(st.success(), "make-test-guest.sh failed");
    }
    dir
}

/// A guest defined for one test from the template XML, with its serial output logged to a
/// file; undefined (and destroyed) when dropped, whatever the test's outcome.
pub struct TestGuest {
    pub name: String,
    pub uuid: String,
    pub serial_log: PathBuf,
    conn: virt::connect::Connect,
}

impl TestGuest {
    pub fn define(name: &str, template: &str) -> Self {
        vireo::backend::init(); // also silences libvirt's stderr printing of expected errors
        let dir = guest_dir();
        let xml = std::fs::read_to_string(dir.join(template)).expect("template xml");
        let logdir = dir.join("logs");
        std::fs::create_dir_all(&logdir).expect("log dir");
        let serial_log = logdir.join(format!("{name}.serial.log"));
        let _ = std::fs::remove_file(&serial_log);
        // Its own empty disk: two guests from one template must not share a writable image.
        let disk = dir.join(format!("{name}.qcow2"));
        let _ = std::fs::remove_file(&disk);
        let st = std::process::Command::new("qemu-img")
            .args(["create", "-q", "-f", "qcow2"])
            .arg(&disk)
            .arg("64M")
            .status()
            .expect("qemu-img");
        assert!(st.success(), "qemu-img create {}", disk.display());
        let xml = retarget(&xml, name, &serial_log, &disk);
        let conn =
            virt::connect::Connect::open(Some(SYSTEM_URI)).expect("second client connection");
        // A leftover from an aborted run goes first.
        if let Ok(old) = conn.lookup_domain_by_name(name) {
            let _ = old.destroy();
            let _ = old.undefine();
        }
        let dom = conn
            .define_domain_xml(&xml)
            .unwrap_or_else(|e| panic!("define {name}: {e}"));
        let uuid = dom.uuid_string().expect("uuid");
        TestGuest {
            name: name.to_string(),
            uuid,
            serial_log,
            conn,
        }
    }

    /// Waits until the guest's serial log contains `needle`.
    pub fn wait_serial(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let text = std::fs::read_to_string(&self.serial_log).unwrap_or_default();
            if text.contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "guest {} did not print {needle:?} within {timeout:?}; serial log:\n{text}",
                    self.name
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The domain's state as another client (like virsh) sees it.
    pub fn state_seen_by_libvirt(&self) -> String {
        let out = std::process::Command::new("virsh")
            .args(["-c", SYSTEM_URI, "domstate", &self.name])
            .output()
            .expect("virsh");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for TestGuest {
    fn drop(&mut self) {
        // The daemon may have been restarted by the test: reconnect for the cleanup.
        let conn =
            virt::connect::Connect::open(Some(SYSTEM_URI)).unwrap_or_else(|_| self.conn.clone());
        if let Ok(d) = conn.lookup_domain_by_name(&self.name) {
            let _ = d.destroy();
            let _ = d.undefine_flags(
                virt::sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | virt::sys::VIR_DOMAIN_UNDEFINE_NVRAM,
            );
        }
    }
}

/// Renames the template domain, drops its fixed UUID, gives it its own disk and logs its
/// serial port to a file.
fn retarget(xml: &str, name: &str, serial_log: &Path, disk: &Path) -> String {
    let mut out = String::with_capacity(xml.len() + 200);
    for line in xml.lines() {
        let t = line.trim_start();
        if t.starts_with("<name>") {
            out.push_str(&format!("  <name>{name}</name>\n"));
        } else if t.starts_with("<uuid>") {
            continue;
        } else if t.starts_with("<source file=") && t.contains(".qcow2") {
            out.push_str(&format!("      <source file='{}'/>\n", disk.display()));
        } else if t.starts_with("<serial type='pty'>") {
            out.push_str(&format!(
                "    <serial type='pty'><log file='{}' append='off'/><target port='0'/></serial>\n",
                serial_log.display()
            ));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Runs the project's daemon script (starts whatever is not running).
pub fn libvirt_up() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("build-aux/libvirt-up.sh");
    let st = std::process::Command::new("bash")
        .arg(script)
        .status()
        .expect("run libvirt-up.sh");
    assert!(st.success(), "libvirt-up.sh failed");
}

/// Kills libvirtd (SIGTERM, by its pid file) and waits until it is gone.
pub fn kill_libvirtd() {
    let pid = std::fs::read_to_string("/run/libvirtd.pid").expect("libvirtd pid file");
    let pid = pid.trim().to_string();
    let st = std::process::Command::new("kill")
        .arg(&pid)
        .status()
        .expect("kill");
    assert!(st.success(), "kill libvirtd {pid}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(Instant::now() < deadline, "libvirtd {pid} did not exit");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Makes sure libvirtd runs again when a test ends, even by panic.
pub struct DaemonGuard;

impl Drop for DaemonGuard {
    fn drop(&mut self) {
        let running = std::fs::read_to_string("/run/libvirtd.pid")
            .ok()
            .is_some_and(|p| Path::new(&format!("/proc/{}", p.trim())).exists());
        if !running {
            libvirt_up();
        }
    }
}
