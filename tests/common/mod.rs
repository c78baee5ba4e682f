// SPDX-License-Identifier: GPL-3.0-or-later
//! Shared helpers of the backend integration tests: a [`Harness`] that owns a `Backend`,
//! collects its events, and iterates GLib's default main context (where libvirt delivers
//! its events) while waiting.
#![allow(dead_code)]

pub mod system;

use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use vireo::backend::{Backend, BackendEvent, ConnId};
use vireo::runtime::channel_sink;

pub struct Harness {
    pub backend: Backend,
    rx: Receiver<BackendEvent>,
    /// Every event seen so far, in order.
    pub seen: Vec<BackendEvent>,
}

impl Harness {
    pub fn new() -> Self {
        let _ = env_logger::builder().is_test(true).try_init();
        let (sink, rx) = channel_sink();
        Harness {
            backend: Backend::new(sink),
            rx,
            seen: Vec::new(),
        }
    }

    /// Pumps GLib and the event channel until `pred` matches an event (returned) or the
    /// timeout passes (panics with the events seen, so a failure says what did happen).
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        mut pred: impl FnMut(&BackendEvent) -> bool,
    ) -> BackendEvent {
        let deadline = Instant::now() + timeout;
        let ctx = glib::MainContext::default();
        loop {
            while ctx.iteration(false) {}
            while let Ok(ev) = self.rx.try_recv() {
                self.seen.push(ev.clone());
                if pred(&ev) {
                    return ev;
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}; events seen:\n{:#?}",
                    self.seen
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Collects events for `d` without waiting for anything in particular.
    pub fn pump(&mut self, d: Duration) {
        let deadline = Instant::now() + d;
        let ctx = glib::MainContext::default();
        while Instant::now() < deadline {
            while ctx.iteration(false) {}
            while let Ok(ev) = self.rx.try_recv() {
                self.seen.push(ev);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Applies a lifecycle action and waits for its result (done or failed).
    pub fn act(&mut self, id: ConnId, uuid: &str, action: vireo::backend::Action) -> BackendEvent {
        self.backend.send(
            id,
            vireo::backend::Command::Lifecycle {
                uuid: uuid.to_string(),
                action,
            },
        );
        self.wait_for(&format!("{action:?} result"), Duration::from_secs(10), |e| {
            matches!(e, BackendEvent::ActionDone { action: a, .. } | BackendEvent::ActionFailed { action: a, .. } if *a == action)
        })
    }

    /// A position in the event history, for [`Harness::wait_since`].
    pub fn mark(&self) -> usize {
        self.seen.len()
    }

    /// Like [`Harness::wait_for`], but an event already seen after `mark` counts too:
    /// libvirt's event and the worker's reply to the command that caused it race, so an
    /// event may arrive before the command's own result.
    pub fn wait_since(
        &mut self,
        mark: usize,
        what: &str,
        timeout: Duration,
        mut pred: impl FnMut(&BackendEvent) -> bool,
    ) -> BackendEvent {
        if let Some(ev) = self.seen.iter().skip(mark).find(|e| pred(e)) {
            return ev.clone();
        }
        self.wait_for(what, timeout, pred)
    }

    /// Opens `uri` and waits for its first domain list.
    pub fn open_listed(&mut self, uri: &str) -> (ConnId, Vec<vireo::backend::DomainInfo>) {
        let id = self.backend.open(uri).expect("valid uri");
        let ev = self.wait_for("domain list", Duration::from_secs(30), |e| {
            matches!(e, BackendEvent::Domains { conn, .. } if *conn == id)
                || matches!(e, BackendEvent::State { conn, state: vireo::backend::ConnState::Failed(_) } if *conn == id)
        });
        match ev {
            BackendEvent::Domains { domains, .. } => (id, domains),
            other => panic!("connection to {uri} failed: {other:?}"),
        }
    }
}

/// The shared fixtures directory (virt-manager's test data, not part of the project), from
/// `VIREO_FIXTURES` or `../shared/fixtures` beside the project.
pub fn fixtures() -> PathBuf {
    if let Some(p) = std::env::var_os("VIREO_FIXTURES") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

pub fn testsuite_uri() -> String {
    let p = fixtures().join("testsuite.xml");
    let p = p
        .canonicalize()
        .unwrap_or_else(|e| panic!("fixture {} missing: {e}", p.display()));
    format!("test://{}", p.display())
}

/// A private test-driver node with `n` domains (`vm0001`…, all running), written to a
/// fresh temp file: unlike `test:///default`, which is one shared state per process, each
/// file is its own hypervisor, so parallel tests do not see each other's changes.
pub fn private_node(tag: &str, n: usize) -> String {
    use std::fmt::Write;
    let mut xml = String::from("<node>\n");
    for i in 1..=n {
        let _ = writeln!(
            xml,
            "<domain type='test'><name>vm{i:04}</name><uuid>{:08x}-0000-4000-8000-{i:012x}</uuid>\
             <memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>",
            n
        );
    }
    xml.push_str("</node>\n");
    let dir = std::env::temp_dir().join(format!("vireo-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{tag}.xml"));
    std::fs::write(&path, xml).expect("write node file");
    format!("test://{}", path.display())
}
