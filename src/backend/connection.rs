// SPDX-License-Identifier: GPL-3.0-or-later
//! One libvirt connection and the named worker thread that owns it.
//!
//! Every libvirt RPC of a connection runs on its worker, fed by a [`Command`] channel, so a
//! slow or dead host blocks nothing but its own worker. The worker reports through the
//! [`Sink`] as [`BackendEvent`]s: connection state, domain lists and per-domain updates,
//! lifecycle events, command failures. Events are the truth: a command's success changes
//! nothing by itself; the lifecycle event that follows does.
//!
//! When the connection drops (close callback, or an RPC failing with a lost connection) the
//! worker reports [`ConnState::Lost`], then reconnects on a back-off schedule until it
//! succeeds or is told to close.

use std::os::raw::c_int;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use virt::connect::Connect;

use super::auth::{self, AuthRequest};
use super::domain;
use super::error::{BackendError, ErrorKind};
use super::events::{self, CloseReason, DomainEvent};
use super::graphics::{self, GraphicsError};
use super::reconnect::Backoff;
use super::stats::{self as rawstats, StatsScope};
use crate::runtime::Sink;

pub use super::messages::*;

struct Live {
    conn: Connect,
    lifecycle_ids: Vec<c_int>,
}

/// The worker's state machine. Runs on its own thread; see [`super::Backend::open`].
pub(crate) struct Worker {
    pub id: ConnId,
    pub uri: String,
    pub sink: Sink<BackendEvent>,
    pub tx: Sender<Command>,
    pub rx: Receiver<Command>,
    pub backoff: Backoff,
}

impl Worker {
    fn emit(&self, ev: BackendEvent) {
        (self.sink)(ev)
    }

    fn state(&self, state: ConnState) {
        self.emit(BackendEvent::State {
            conn: self.id,
            state,
        });
    }

    /// Runs the worker; `connect_now` false leaves it disconnected until
    /// [`Command::Connect`].
    pub fn run(self, connect_now: bool) {
        let mut live = None;
        if connect_now {
            self.state(ConnState::Connecting);
            match self.open() {
                Ok(l) => live = Some(l),
                // Stay alive; a failed first connect is retried by the user, not by us.
                Err(e) => self.state(ConnState::Failed(e)),
            }
        } else {
            self.state(ConnState::Disconnected);
        }
        let mut failed_first = live.is_none();
        // Reconnect schedule: (attempt, when) while disconnected after a loss.
        let mut retry: Option<(u32, Instant)> = None;
        if live.is_some() {
            self.refresh(&mut live, &mut retry);
        }
        let epoch = Instant::now();
        let mut stats: Option<StatsSchedule> = None;
        let mut next_tick: Option<Instant> = None;
        loop {
            // Sleep until a command, the next reconnect attempt or the next stats tick.
            let tick_due = next_tick.filter(|_| live.is_some() && stats.is_some());
            let deadline = [retry.map(|(_, when)| when), tick_due]
                .into_iter()
                .flatten()
                .min();
            let cmd = match deadline {
                Some(when) => self
                    .rx
                    .recv_timeout(when.saturating_duration_since(Instant::now())),
                None => self.rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            if let (Some(when), Some(schedule)) = (tick_due, stats) {
                if Instant::now() >= when && matches!(cmd, Err(RecvTimeoutError::Timeout)) {
                    // Keep the cadence; if a slow call made us late, restart it from now.
                    let next = when + schedule.interval;
                    next_tick = Some(if next < Instant::now() {
                        Instant::now() + schedule.interval
                    } else {
                        next
                    });
                    self.poll_stats(&mut live, &mut retry, epoch, schedule);
                    continue;
                }
            }
            match cmd {
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let Some((attempt, when)) = retry else {
                        continue;
                    };
                    if Instant::now() < when {
                        continue;
                    }
                    match self.open() {
                        Ok(l) => {
                            live = Some(l);
                            retry = None;
                            self.refresh(&mut live, &mut retry);
                        }
                        Err(e) => {
                            let next = attempt + 1;
                            let delay = self.backoff.delay(next);
                            self.state(ConnState::Reconnecting {
                                attempt: next,
                                delay,
                                last_error: Some(e),
                            });
                            retry = Some((next, Instant::now() + delay));
                        }
                    }
                }
                Ok(Command::Close) => {
                    if let Some(l) = live.take() {
                        teardown(l);
                    }
                    self.state(ConnState::Disconnected);
                    break;
                }
                Ok(Command::SetStats(schedule)) => {
                    stats = schedule;
                    next_tick = schedule.map(|_| Instant::now());
                }
                Ok(Command::Connect) => {
                    if live.is_none() {
                        retry = None;
                        self.state(ConnState::Connecting);
                        match self.open() {
                            Ok(l) => {
                                live = Some(l);
                                failed_first = false;
                                self.refresh(&mut live, &mut retry);
                            }
                            Err(e) => {
                                failed_first = true;
                                self.state(ConnState::Failed(e));
                            }
                        }
                    }
                }
                Ok(Command::Disconnect) => {
                    if let Some(l) = live.take() {
                        teardown(l);
                    }
                    retry = None;
                    failed_first = true;
                    self.state(ConnState::Disconnected);
                }
                Ok(Command::Closed(reason)) => {
                    if live.is_some() && reason != CloseReason::Client {
                        self.lose(&mut live, &mut retry, reason.describe().to_string());
                    }
                }
                Ok(Command::Refresh) => {
                    if live.is_none() && failed_first {
                        // The user asked again after a failed first attempt: retry now.
                        self.state(ConnState::Connecting);
                        match self.open() {
                            Ok(l) => {
                                live = Some(l);
                                failed_first = false;
                            }
                            Err(e) => self.state(ConnState::Failed(e)),
                        }
                    }
                    self.refresh(&mut live, &mut retry);
                }
                Ok(Command::GetXml { uuid }) => {
                    let xml = on_live(&live, |c| domain::xml_of(c, &uuid));
                    self.emit(BackendEvent::DomainXml {
                        conn: self.id,
                        uuid,
                        xml,
                    });
                }
                Ok(Command::Define { uuid, xml }) => {
                    let result = on_live(&live, |c| domain::define(c, &xml));
                    self.emit(BackendEvent::Edited {
                        conn: self.id,
                        uuid,
                        edit: Edit::Define,
                        result,
                    });
                }
                Ok(Command::Rename { uuid, name }) => {
                    let result = on_live(&live, |c| domain::rename(c, &uuid, &name));
                    self.emit(BackendEvent::Edited {
                        conn: self.id,
                        uuid,
                        edit: Edit::Rename,
                        result,
                    });
                }
                Ok(Command::OpenGraphics { uuid, reply }) => {
                    let host = super::uri::ConnectionUri::parse(&self.uri)
                        .ok()
                        .and_then(|u| u.host);
                    let result = match &live {
                        Some(l) => domain::lookup(&l.conn, &uuid)
                            .map_err(GraphicsError::from)
                            .and_then(|d| graphics::open(&d, host.as_deref())),
                        None => Err(GraphicsError::Failed(BackendError::new(
                            ErrorKind::ConnectionLost,
                            "not connected",
                        ))),
                    };
                    if let Err(GraphicsError::Failed(e)) = &result {
                        if e.kind == ErrorKind::ConnectionLost && live.is_some() {
                            let msg = e.message.clone();
                            reply.send(result);
                            self.lose(&mut live, &mut retry, msg);
                            continue;
                        }
                    }
                    reply.send(result);
                }
                Ok(Command::OpenSerial {
                    uuid,
                    mode,
                    events,
                    reply,
                }) => {
                    let result = on_live(&live, |c| {
                        let dom = domain::lookup(c, &uuid)?;
                        crate::console::serial::SerialConsole::open_with(
                            &dom,
                            mode,
                            events.into_sink(),
                        )
                    });
                    reply.send(result);
                }
                Ok(Command::SetText {
                    uuid,
                    title,
                    description,
                }) => {
                    let result =
                        on_live(&live, |c| domain::set_text(c, &uuid, &title, &description));
                    if result.is_ok() {
                        // libvirt sends no lifecycle event for metadata: re-read the row.
                        self.refresh_domain(&mut live, &mut retry, &uuid);
                    }
                    self.emit(BackendEvent::Edited {
                        conn: self.id,
                        uuid,
                        edit: Edit::Text,
                        result,
                    });
                }
                Ok(Command::RefreshDomain(uuid)) => {
                    self.refresh_domain(&mut live, &mut retry, &uuid)
                }
                Ok(Command::Lifecycle { uuid, action }) => {
                    let result = on_live(&live, |c| domain::apply(c, &uuid, action));
                    match result {
                        Ok(()) => self.emit(BackendEvent::ActionDone {
                            conn: self.id,
                            uuid,
                            action,
                        }),
                        Err(error) => {
                            let lost = error.kind == ErrorKind::ConnectionLost && live.is_some();
                            self.emit(BackendEvent::ActionFailed {
                                conn: self.id,
                                uuid,
                                action,
                                error: error.clone(),
                            });
                            if lost {
                                self.lose(&mut live, &mut retry, error.message);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Opens the connection and registers for events.
    fn open(&self) -> Result<Live, BackendError> {
        let (sink, id, uri) = (self.sink.clone(), self.id, self.uri.clone());
        let conn = auth::open(&self.uri, move |prompts| {
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            sink(BackendEvent::AuthRequest {
                conn: id,
                request: AuthRequest::new(uri.clone(), prompts, tx),
            });
            rx.recv_timeout(Duration::from_secs(300)).ok().flatten()
        })?;
        let sink = self.sink.clone();
        let tx = self.tx.clone();
        let id = self.id;
        let lifecycle_ids = match events::register_lifecycle(&conn, move |event: DomainEvent| {
            let uuid = event.uuid.clone();
            sink(BackendEvent::Lifecycle { conn: id, event });
            // The worker re-reads the domain (an RPC, so not here on the event thread); an
            // undefined domain then comes back as NotFound → DomainRemoved.
            let _ = tx.send(Command::RefreshDomain(uuid));
        }) {
            Ok(ids) => ids,
            Err(e) => {
                log::warn!("connection {}: no domain events: {e}", self.uri);
                Vec::new()
            }
        };
        let tx = self.tx.clone();
        if let Err(e) = events::register_close(&conn, move |reason| {
            let _ = tx.send(Command::Closed(reason));
        }) {
            log::debug!("connection {}: no close callback: {e}", self.uri);
        }
        events::enable_keepalive(&conn, 5, 3);
        let hostname = conn.hostname().unwrap_or_default();
        let lib_version = conn.lib_version().map(format_version).unwrap_or_default();
        self.state(ConnState::Connected {
            hostname,
            lib_version,
        });
        Ok(Live {
            conn,
            lifecycle_ids,
        })
    }

    fn lose(&self, live: &mut Option<Live>, retry: &mut Option<(u32, Instant)>, reason: String) {
        if let Some(l) = live.take() {
            teardown(l);
        }
        self.state(ConnState::Lost { reason });
        let delay = self.backoff.delay(1);
        self.state(ConnState::Reconnecting {
            attempt: 1,
            delay,
            last_error: None,
        });
        *retry = Some((1, Instant::now() + delay));
    }

    fn refresh(&self, live: &mut Option<Live>, retry: &mut Option<(u32, Instant)>) {
        let Some(l) = live else { return };
        match domain::list(&l.conn) {
            Ok(domains) => self.emit(BackendEvent::Domains {
                conn: self.id,
                domains,
            }),
            Err(e) if e.kind == ErrorKind::ConnectionLost => self.lose(live, retry, e.message),
            Err(error) => self.emit(BackendEvent::RefreshFailed {
                conn: self.id,
                error,
            }),
        }
    }

    /// One stats tick: one bulk call (plus the host's counters) and one event.
    fn poll_stats(
        &self,
        live: &mut Option<Live>,
        retry: &mut Option<(u32, Instant)>,
        epoch: Instant,
        schedule: StatsSchedule,
    ) {
        let Some(l) = live else { return };
        let t = epoch.elapsed().as_secs_f64();
        match rawstats::all_domain_stats(&l.conn, schedule.groups, StatsScope::Active) {
            Ok(records) => {
                let host = if schedule.host {
                    rawstats::host_stats(&l.conn).ok()
                } else {
                    None
                };
                self.emit(BackendEvent::Stats {
                    conn: self.id,
                    t,
                    host,
                    records,
                });
            }
            Err(e) if e.kind == ErrorKind::ConnectionLost => self.lose(live, retry, e.message),
            // A bad sample is skipped; the next tick tries again (and the graphs show a gap).
            Err(e) => log::debug!("connection {}: stats failed: {e}", self.uri),
        }
    }

    fn refresh_domain(
        &self,
        live: &mut Option<Live>,
        retry: &mut Option<(u32, Instant)>,
        uuid: &str,
    ) {
        let Some(l) = live else { return };
        let result = domain::lookup(&l.conn, uuid).and_then(|d| domain::info_of(&d));
        match result {
            Ok(info) => self.emit(BackendEvent::DomainUpdated {
                conn: self.id,
                info,
            }),
            Err(e) if e.kind == ErrorKind::NotFound => self.emit(BackendEvent::DomainRemoved {
                conn: self.id,
                uuid: uuid.to_string(),
            }),
            Err(e) if e.kind == ErrorKind::ConnectionLost => self.lose(live, retry, e.message),
            Err(error) => self.emit(BackendEvent::RefreshFailed {
                conn: self.id,
                error,
            }),
        }
    }
}

/// Runs `f` on the connection if it is up; a typed "not connected" error otherwise.
fn on_live<T>(
    live: &Option<Live>,
    f: impl FnOnce(&Connect) -> Result<T, BackendError>,
) -> Result<T, BackendError> {
    match live {
        Some(l) => f(&l.conn),
        None => Err(BackendError::new(
            ErrorKind::ConnectionLost,
            "not connected",
        )),
    }
}

fn teardown(l: Live) {
    let _ = events::deregister_lifecycle(&l.conn, &l.lifecycle_ids);
    let _ = events::unregister_close(&l.conn);
    drop(l.conn);
}

/// libvirt's packed version number (major * 1e6 + minor * 1e3 + micro) as text.
pub fn format_version(v: u32) -> String {
    format!("{}.{}.{}", v / 1_000_000, (v / 1000) % 1000, v % 1000)
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_text() {
        assert_eq!(super::format_version(11_003_000), "11.3.0");
        assert_eq!(super::format_version(9_000_012), "9.0.12");
    }
}
