// SPDX-License-Identifier: GPL-3.0-or-later
//! libvirt, without GTK. The UI (or a test) owns one [`Backend`], opens connections on it
//! and sends them [`Command`]s; every connection answers through the [`Sink`] given to
//! [`Backend::new`] with [`BackendEvent`]s.
//!
//! - [`uri`]: parsing and validating connection URIs.
//! - [`auth`]: credentials asked of the user while a connection opens.
//! - [`connection`]: the per-connection worker thread, its commands, events and states.
//! - [`domain`]: domain data and lifecycle actions (blocking calls, worker-only).
//! - [`events`]: safe wrappers for libvirt's event and close callbacks.
//! - [`reconnect`]: the back-off schedule.
//! - [`stats`]: the bulk statistics call and the host's counters, as plain data.
//! - [`error`]: typed errors that keep libvirt's message.

pub mod auth;
pub mod connection;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphics;
pub mod messages;
pub mod reconnect;
pub mod stats;
pub mod uri;

use std::collections::HashMap;
use std::sync::mpsc::Sender;
use std::sync::Once;

pub use connection::{BackendEvent, Command, ConnId, ConnState, Edit, Reply, StatsSchedule};
pub use domain::{Action, DomainInfo, DomainState};
pub use error::{BackendError, ErrorKind};
pub use reconnect::Backoff;
pub use uri::ConnectionUri;

use crate::runtime::{self, Sink};

static INIT: Once = Once::new();

/// Registers libvirt's event implementation (GLib's default main context) and silences
/// libvirt's habit of printing every error to stderr (we report them ourselves). Must run
/// before the first connection is opened; [`Backend::new`] calls it. Idempotent.
pub fn init() {
    INIT.call_once(|| {
        virt::error::clear_error_callback();
        if let Err(e) = virt::event::event_register_default_impl() {
            log::error!("libvirt event loop registration failed, no events will arrive: {e}");
        }
    });
}

struct Handle {
    uri: ConnectionUri,
    tx: Sender<Command>,
}

/// The set of open connections.
pub struct Backend {
    sink: Sink<BackendEvent>,
    next_id: ConnId,
    conns: HashMap<ConnId, Handle>,
    backoff: Backoff,
    /// Connections started by [`Backend::preopen`] that no `open` has claimed yet.
    preopened: Vec<(String, ConnId)>,
}

impl Backend {
    pub fn new(sink: Sink<BackendEvent>) -> Self {
        init();
        Backend {
            sink,
            next_id: 1,
            conns: HashMap::new(),
            backoff: Backoff::default(),
            preopened: Vec::new(),
        }
    }

    /// Starts connecting to `uri` ahead of the [`Backend::open`] that will claim it (the
    /// UI opens its command line's URIs while GTK starts). Errors are left for that `open`
    /// to report.
    pub fn preopen(&mut self, uri: &str) {
        if let Ok(id) = self.open_with(uri, true) {
            self.preopened.push((uri.to_string(), id));
        }
    }

    /// Closes the connections [`Backend::preopen`] started that no `open` claimed.
    pub fn close_unclaimed(&mut self) {
        for (_, id) in std::mem::take(&mut self.preopened) {
            self.close(id);
        }
    }

    /// Uses another reconnect schedule for connections opened from now on.
    pub fn set_backoff(&mut self, backoff: Backoff) {
        self.backoff = backoff;
    }

    /// Validates `uri` and starts a worker that connects to it. An invalid URI is refused
    /// here, before any thread starts; everything else is reported through the sink.
    pub fn open(&mut self, uri: &str) -> Result<ConnId, BackendError> {
        self.open_with(uri, true)
    }

    /// Like [`Backend::open`]; with `connect_now` false the worker waits, disconnected,
    /// for [`Command::Connect`] (a saved connection that does not autoconnect).
    pub fn open_with(&mut self, uri: &str, connect_now: bool) -> Result<ConnId, BackendError> {
        if connect_now {
            if let Some(i) = self.preopened.iter().position(|(u, _)| u == uri) {
                return Ok(self.preopened.remove(i).1);
            }
        }
        let parsed = ConnectionUri::parse(uri)?;
        let id = self.next_id;
        self.next_id += 1;
        let (tx, rx) = std::sync::mpsc::channel();
        let worker = connection::Worker {
            id,
            uri: parsed.to_string(),
            sink: self.sink.clone(),
            tx: tx.clone(),
            rx,
            backoff: self.backoff,
        };
        runtime::spawn_named(format!("vireo-conn-{id}"), move || worker.run(connect_now)).map_err(
            |e| {
                BackendError::new(
                    ErrorKind::OperationFailed,
                    format!("cannot start a worker thread: {e}"),
                )
            },
        )?;
        self.conns.insert(id, Handle { uri: parsed, tx });
        Ok(id)
    }

    /// Sends a command to a connection's worker. Returns false if there is no such
    /// connection (closed or never opened).
    pub fn send(&self, conn: ConnId, cmd: Command) -> bool {
        self.conns
            .get(&conn)
            .is_some_and(|h| h.tx.send(cmd).is_ok())
    }

    /// Closes a connection; its worker reports `Disconnected` and ends.
    pub fn close(&mut self, conn: ConnId) {
        if let Some(h) = self.conns.remove(&conn) {
            let _ = h.tx.send(Command::Close);
        }
    }

    pub fn uri(&self, conn: ConnId) -> Option<&ConnectionUri> {
        self.conns.get(&conn).map(|h| &h.uri)
    }

    /// Open connections, in opening order.
    pub fn ids(&self) -> Vec<ConnId> {
        let mut v: Vec<_> = self.conns.keys().copied().collect();
        v.sort_unstable();
        v
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        // Ask every worker to close; do not wait (a dead remote host must not hold up exit).
        for h in self.conns.values() {
            let _ = h.tx.send(Command::Close);
        }
    }
}
