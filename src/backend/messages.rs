// SPDX-License-Identifier: GPL-3.0-or-later
//! What a connection's worker can be asked ([`Command`]) and what it reports
//! ([`BackendEvent`], [`ConnState`]), apart from the worker itself (`connection.rs`).

use std::time::Duration;

use super::auth::AuthRequest;
use super::domain::{Action, DomainInfo};
use super::error::BackendError;
use super::events::{CloseReason, DomainEvent};
use super::graphics::{GraphicsError, GraphicsSocket};
use super::stats::{DomainStats, HostStats, StatsGroups};
use crate::runtime::Sink;

/// Identifies a connection within one [`super::Backend`].
pub type ConnId = u32;

/// What a connection's worker can be asked to do.
#[derive(Debug, Clone)]
pub enum Command {
    /// Re-read the whole domain list.
    Refresh,
    /// Re-read one domain (after an event).
    RefreshDomain(String),
    /// Apply a lifecycle action to a domain (by UUID).
    Lifecycle { uuid: String, action: Action },
    /// Connect (after [`Command::Disconnect`], a failed first attempt, or when opened idle).
    Connect,
    /// Close the libvirt connection but keep the worker (the UI keeps showing the row).
    Disconnect,
    /// Close the connection and end the worker.
    Close,
    /// Internal: libvirt's close callback fired.
    Closed(CloseReason),
    /// Poll statistics on this schedule (None: stop polling).
    SetStats(Option<StatsSchedule>),
    /// Read a domain's persistent definition (its XML as `virsh dumpxml --inactive`).
    GetXml { uuid: String },
    /// Define (create or replace) a domain from XML; the result says whether libvirt
    /// accepted it. `uuid` is the domain the caller edits, for matching the reply.
    Define { uuid: String, xml: String },
    /// Rename a shut-off domain.
    Rename { uuid: String, name: String },
    /// Set title and description, live too when the domain runs (empty removes them).
    SetText {
        uuid: String,
        title: String,
        description: String,
    },
    /// Open a socket to a running domain's graphical display (the console asks once per
    /// session, SPICE once per channel); the answer goes to `reply`, not to the sink.
    OpenGraphics {
        uuid: String,
        reply: Reply<Result<GraphicsSocket, GraphicsError>>,
    },
    /// Open a running domain's serial console; its output goes to `events` (from the
    /// console's own reader thread), the console itself to `reply`.
    OpenSerial {
        uuid: String,
        mode: crate::console::serial::OpenMode,
        events: Reply<crate::console::serial::SerialEvent>,
        reply: Reply<Result<crate::console::serial::SerialConsole, BackendError>>,
    },
}

/// Where a command's answer goes when it is for one caller only (called on the worker).
pub struct Reply<T>(Sink<T>);

impl<T> Reply<T> {
    pub fn new(f: impl Fn(T) + Send + Sync + 'static) -> Self {
        Reply(std::sync::Arc::new(f))
    }

    pub fn send(&self, value: T) {
        (self.0)(value)
    }

    pub fn into_sink(self) -> Sink<T> {
        self.0
    }
}

impl<T> Clone for Reply<T> {
    fn clone(&self) -> Self {
        Reply(self.0.clone())
    }
}

impl<T> std::fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reply")
    }
}

/// What an edit was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Define,
    Rename,
    Text,
}

/// How often and what to poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsSchedule {
    pub interval: Duration,
    pub groups: StatsGroups,
    /// Also read the host's CPU and memory counters.
    pub host: bool,
}

/// A connection's state, as shown next to it in the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnState {
    Connecting,
    Connected {
        hostname: String,
        lib_version: String,
    },
    /// The first connection attempt failed; no automatic retry (the user retries).
    Failed(BackendError),
    /// The connection was up and went away; a reconnect follows.
    Lost {
        reason: String,
    },
    /// Waiting `delay` before reconnect attempt number `attempt`.
    Reconnecting {
        attempt: u32,
        delay: Duration,
        last_error: Option<BackendError>,
    },
    /// Closed on request.
    Disconnected,
}

/// Everything a connection reports.
#[derive(Debug, Clone)]
pub enum BackendEvent {
    State {
        conn: ConnId,
        state: ConnState,
    },
    /// The full, name-sorted domain list (after connecting and on [`Command::Refresh`]).
    Domains {
        conn: ConnId,
        domains: Vec<DomainInfo>,
    },
    /// One domain's fresh data (after one of its events).
    DomainUpdated {
        conn: ConnId,
        info: DomainInfo,
    },
    /// A domain no longer exists on this connection.
    DomainRemoved {
        conn: ConnId,
        uuid: String,
    },
    /// A libvirt lifecycle event, as libvirt sent it.
    Lifecycle {
        conn: ConnId,
        event: DomainEvent,
    },
    /// A lifecycle action returned without error (the state changes with the event).
    ActionDone {
        conn: ConnId,
        uuid: String,
        action: Action,
    },
    ActionFailed {
        conn: ConnId,
        uuid: String,
        action: Action,
        error: BackendError,
    },
    /// A refresh failed for a reason other than a lost connection.
    RefreshFailed {
        conn: ConnId,
        error: BackendError,
    },
    /// A domain's persistent XML, as asked with [`Command::GetXml`].
    DomainXml {
        conn: ConnId,
        uuid: String,
        xml: Result<String, BackendError>,
    },
    /// The outcome of [`Command::Define`] or [`Command::Rename`].
    Edited {
        conn: ConnId,
        uuid: String,
        edit: Edit,
        result: Result<(), BackendError>,
    },
    /// The connection needs credentials; answer with [`AuthRequest::answer`]. The worker
    /// waits (at most five minutes).
    AuthRequest {
        conn: ConnId,
        request: AuthRequest,
    },
    /// One tick of statistics: every active domain's counters from one bulk call, taken at
    /// `t` seconds on the worker's monotonic clock.
    Stats {
        conn: ConnId,
        t: f64,
        host: Option<HostStats>,
        records: Vec<DomainStats>,
    },
}
