// SPDX-License-Identifier: GPL-3.0-or-later
//! The app's side of the statistics ticks: nudging the rows on screen, the polling schedule
//! the preferences ask for, and whether the window is on screen at all.

use adw::prelude::*;

use super::{App, AppWidgets};
use crate::backend::stats::StatsGroups;
use crate::backend::{ConnId, StatsSchedule};

impl App {
    /// After a stats tick: new sort keys and a repaint nudge for the guests whose figures
    /// changed (`changed` indexes `records`) — unless the window is not on screen, in which
    /// case every row catches up when it is.
    pub(super) fn stats_ticked(
        &mut self,
        conn: ConnId,
        records: &[crate::backend::stats::DomainStats],
        changed: &[usize],
        widgets: &AppWidgets,
    ) {
        use crate::ui::stats_view::domain_keys;
        // The connection's own graphs (its row, its details window) follow every tick.
        if let Some(c) = self.list.conn(conn) {
            c.set_stats_serial(c.stats_serial().wrapping_add(1));
        }
        if !window_on_screen(&widgets.window) {
            // The list catches up when it shows; a details window open meanwhile (the
            // list is hidden under --show-domain-console) follows its guest now.
            self.stats_stale = true;
            for r in changed.iter().filter_map(|&i| records.get(i)) {
                if let Some(o) = self
                    .list
                    .domain(conn, &r.uuid)
                    .filter(|o| o.is_page_shown())
                {
                    o.stats_ticked(domain_keys(conn, &r.uuid));
                }
            }
            return;
        }
        let stale = std::mem::take(&mut self.stats_stale);
        let mut keys_changed = false;
        if stale {
            for id in self.backend.ids() {
                for (uuid, o) in self.list.domains_of(id) {
                    keys_changed |= o.stats_ticked(domain_keys(id, uuid));
                }
            }
        } else {
            for r in changed.iter().filter_map(|&i| records.get(i)) {
                if let Some(o) = self.list.domain(conn, &r.uuid) {
                    keys_changed |= o.stats_ticked(domain_keys(conn, &r.uuid));
                }
            }
        }
        if keys_changed {
            self.list.metrics_changed();
        }
    }
}

impl App {
    /// The list's window was shown or hidden, or a page drawing statistics came or went:
    /// polling runs only while something on screen draws its figures. A user who watches
    /// one guest's console (the list hidden, `--show-domain-console`) pays nothing for the
    /// list's graphs; the pause shows in them as a break when they come back.
    pub(super) fn stats_demand_changed(&mut self, widgets: &AppWidgets) {
        let wanted = widgets.window.is_mapped() || crate::ui::stats_view::watched();
        if wanted == self.stats_polling {
            return;
        }
        self.stats_polling = wanted;
        if wanted {
            if let Some(since) = self.stats_paused_at.take() {
                let interval = f64::from(crate::ui::settings::stats_interval().max(1));
                let ticks = (since.elapsed().as_secs_f64() / interval) as usize;
                crate::ui::stats_view::skip(ticks);
            }
        } else {
            self.stats_paused_at = Some(std::time::Instant::now());
        }
        log::debug!(
            "statistics polling {}",
            if wanted { "resumed" } else { "paused" }
        );
        for id in self.backend.ids() {
            self.send_stats_schedule(id);
        }
    }

    /// Tells a connection's worker what to poll: the preferences' schedule, or nothing
    /// while no statistics are on screen.
    pub(super) fn send_stats_schedule(&self, conn: ConnId) {
        let schedule = if self.stats_polling {
            stats_schedule()
        } else {
            None
        };
        self.backend
            .send(conn, crate::backend::Command::SetStats(schedule));
    }
}

/// Whether the window is mapped and not minimized (GTK does not draw it otherwise, and we
/// need not feed its rows).
pub(super) fn window_on_screen(win: &adw::ApplicationWindow) -> bool {
    if !win.is_mapped() {
        return false;
    }
    let minimized = win
        .surface()
        .and_downcast::<gtk::gdk::Toplevel>()
        .is_some_and(|t| t.state().contains(gtk::gdk::ToplevelState::MINIMIZED));
    !minimized
}

/// The statistics polling the preferences ask for (None: nothing to poll).
pub(super) fn stats_schedule() -> Option<StatsSchedule> {
    let [cpu, memory, disk, net] = crate::ui::settings::stats_metrics();
    // One bulk stats call per tick on the connection's worker; the host's counters feed
    // the connection rows' CPU and memory graphs.
    Some(StatsSchedule {
        interval: std::time::Duration::from_secs(crate::ui::settings::stats_interval().into()),
        groups: StatsGroups::for_metrics(cpu, memory, disk, net),
        host: cpu || memory,
    })
}
