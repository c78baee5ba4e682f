// SPDX-License-Identifier: GPL-3.0-or-later
//! The app's handling of the backend's events: connection states, domain lists and
//! updates, lifecycle events, failures, credentials and statistics.

use adw::prelude::*;
use gettextrs::gettext;

use super::{App, AppWidgets, EMBEDDED_URI};
use crate::backend::{BackendEvent, ConnState};
use crate::ui::status;

impl App {
    /// The selection's actions follow its guests' states.
    fn selection_actions(&self, widgets: &AppWidgets) {
        crate::ui::actions::update_selection_actions(&widgets.window, &self.list.selected());
    }

    pub(super) fn on_backend(&mut self, ev: BackendEvent, widgets: &AppWidgets) {
        self.route_to_details(&ev);
        match ev {
            BackendEvent::State { conn, state } => {
                if let ConnState::Failed(err) = &state {
                    if self.probe == Some(conn) {
                        // No daemon: say so and show libvirt's embedded test hypervisor.
                        self.probe = None;
                        self.backend.close(conn);
                        self.conns.remove(&conn);
                        self.list.drop_conn(conn);
                        self.fallback_reason = Some(err.message.clone());
                        self.open(EMBEDDED_URI, widgets);
                        return;
                    }
                    let label = self.label_of(conn);
                    let heading = gettext("Cannot connect to %s").replace("%s", &label);
                    self.toast_error(widgets, heading, err.to_string());
                }
                if matches!(
                    state,
                    ConnState::Lost { .. } | ConnState::Disconnected | ConnState::Failed(_)
                ) {
                    self.list.clear_conn(conn);
                    crate::ui::stats_view::forget(conn);
                }
                if matches!(state, ConnState::Connected { .. }) {
                    // One bulk stats call per tick on the connection's worker, while
                    // something on screen draws the figures.
                    self.send_stats_schedule(conn);
                }
                let problem = matches!(
                    state,
                    ConnState::Lost { .. } | ConnState::Failed(_) | ConnState::Reconnecting { .. }
                );
                let up = matches!(state, ConnState::Connected { .. });
                self.list
                    .set_conn_status(conn, &status::conn_row_status(&state), problem, up);
                if let Some(c) = self.conns.get_mut(&conn) {
                    c.state = state;
                }
                self.give_up_requested(widgets);
            }
            BackendEvent::Domains { conn, domains } => {
                if self.bench && !self.painted_once {
                    eprintln!(
                        "vireo-bench: domains-received domains={} ms={:.1}",
                        domains.len(),
                        crate::ui::bench::since_start_ms()
                    );
                }
                if self.probe == Some(conn) {
                    self.probe = None;
                }
                self.list.replace_conn(conn, &domains);
                self.selection_actions(widgets);

                if let Some(c) = self.conns.get_mut(&conn) {
                    c.listed = true;
                }
                self.show_requested(conn, &domains, widgets);
                if self.bench && !self.painted_once {
                    self.painted_once = true;
                    eprintln!(
                        "vireo-bench: domains-applied domains={} ms={:.1}",
                        self.list.len(),
                        crate::ui::bench::since_start_ms()
                    );
                    let n = self.list.len();
                    self.list.after_next_paint(move || {
                        eprintln!(
                            "vireo-bench: list-painted domains={n} ms={:.1}",
                            crate::ui::bench::since_start_ms()
                        );
                    });
                }
            }
            BackendEvent::DomainUpdated { conn, info } => {
                self.list.update(conn, &info);
                self.selection_actions(widgets);
            }
            BackendEvent::DomainRemoved { conn, uuid } => {
                self.list.remove(conn, &uuid);
                self.selection_actions(widgets);
            }
            BackendEvent::Lifecycle { conn, event } => {
                // Tell the desktop when something happens to a guest while the user is
                // looking elsewhere.
                if let Some(why) = event.attention() {
                    if !widgets.window.is_active() {
                        crate::ui::notify::guest(
                            &self.label_of(conn),
                            &event.name,
                            &event.uuid,
                            why,
                        );
                    }
                }
            }
            BackendEvent::ActionDone { .. } | BackendEvent::DomainXml { .. } => {}
            BackendEvent::Edited {
                uuid,
                result: Err(error),
                edit,
                ..
            } if !self.details.iter().any(|h| h.uuid == uuid) => {
                let name = self.list.find(&uuid).map(|o| o.name()).unwrap_or(uuid);
                let heading = match edit {
                    crate::backend::Edit::Rename => gettext("Could not rename “%s”"),
                    _ => gettext("Could not change “%s”"),
                }
                .replace("%s", &name);
                self.toast_error(widgets, heading, error.to_string());
            }
            BackendEvent::Edited { .. } => {}
            BackendEvent::AuthRequest { conn, request } => {
                let label = self.label_of(conn);
                crate::ui::auth_dialog::present(&widgets.window, &label, request);
            }
            BackendEvent::Stats {
                conn,
                t,
                host,
                records,
            } => {
                let changed = crate::ui::stats_view::ingest(conn, t, host.as_ref(), &records);
                self.stats_ticked(conn, &records, &changed, widgets);
            }
            BackendEvent::ActionFailed {
                uuid,
                action,
                error,
                ..
            } => {
                let name = self.list.find(&uuid).map(|o| o.name()).unwrap_or(uuid);
                let heading = status::action_failed_heading(action, &name);
                self.toast_error(widgets, heading, error.to_string());
            }
            BackendEvent::RefreshFailed { conn, error } => {
                let heading = gettext("Cannot list the virtual machines of %s")
                    .replace("%s", &self.label_of(conn));
                self.toast_error(widgets, heading, error.to_string());
            }
        }
    }
}
