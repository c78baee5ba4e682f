// SPDX-License-Identifier: GPL-3.0-or-later
//! The UI's side of the statistics: one [`StatsPipeline`] per connection (the histories the
//! graphs draw), fed by the backend's per-tick `Stats` event, and what a list cell shows for
//! one column: the points of its sparkline, the axis top, the value in words.
//!
//! The pipelines live in a main-thread-local store so that a cell being bound while the user
//! scrolls can read its row's history directly; nothing is copied for rows not on screen.

use std::cell::RefCell;
use std::collections::HashMap;

use gettextrs::gettext;
use gtk::prelude::*;

use crate::backend::stats::{DomainStats, HostStats};
use crate::backend::ConnId;
use crate::stats::{scale, series, Metric, StatsPipeline};

thread_local! {
    static STORE: RefCell<HashMap<ConnId, StatsPipeline>> = RefCell::new(HashMap::new());
}

/// The list's graph columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Cpu,
    Memory,
    Disk,
    Network,
}

/// What one cell shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CellView {
    pub points: Vec<Option<f32>>,
    pub max: f32,
    /// "12 %", "1.5 MiB/s", "—".
    pub text: String,
    /// "CPU 12 %": what a screen reader says.
    pub words: String,
    /// The latest value, for sorting (-1 when unknown).
    pub value: f64,
}

/// Adds one tick of a connection's statistics. Returns the indexes into `records` of the
/// domains whose cells show something new ([`StatsPipeline::ingest`]).
pub fn ingest(
    conn: ConnId,
    t: f64,
    host: Option<&HostStats>,
    records: &[DomainStats],
) -> Vec<usize> {
    STORE.with(|s| {
        s.borrow_mut()
            .entry(conn)
            .or_default()
            .ingest(t, host, records)
    })
}

thread_local! {
    /// How many pages outside the list draw statistics now (Performance pages, connection
    /// windows), and who to tell when that changes.
    static WATCHERS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static ON_WATCH: RefCell<Option<Box<dyn Fn()>>> = RefCell::new(None);
}

/// A page outside the list started (`true`) or stopped drawing statistics. Polling pauses
/// while neither the list nor any such page is on screen.
pub fn set_watching(watching: bool) {
    WATCHERS.with(|w| {
        w.set(if watching {
            w.get() + 1
        } else {
            w.get().saturating_sub(1)
        })
    });
    ON_WATCH.with(|f| {
        if let Some(f) = f.borrow().as_ref() {
            f();
        }
    });
}

/// Whether a page outside the list draws statistics now.
pub fn watched() -> bool {
    WATCHERS.with(|w| w.get() > 0)
}

/// Calls `f` whenever [`watched`] may have changed (the app re-schedules polling).
pub fn on_watch_change(f: impl Fn() + 'static) {
    ON_WATCH.with(|slot| slot.replace(Some(Box::new(f))));
}

/// Counts `widget` as drawing statistics while it is mapped.
pub fn watch_while_mapped(widget: &impl IsA<gtk::Widget>) {
    let on = std::rc::Rc::new(std::cell::Cell::new(false));
    let o = on.clone();
    widget.connect_map(move |_| {
        if !o.replace(true) {
            set_watching(true);
        }
    });
    let o = on.clone();
    widget.connect_unmap(move |_| {
        if o.replace(false) {
            set_watching(false);
        }
    });
    widget.connect_destroy(move |_| {
        if on.replace(false) {
            set_watching(false);
        }
    });
}

/// `ticks` ticks went unmeasured on every connection (polling was paused): the graphs show
/// them as a break ([`StatsPipeline::skip`]).
pub fn skip(ticks: usize) {
    STORE.with(|s| {
        for p in s.borrow_mut().values_mut() {
            p.skip(ticks);
        }
    });
}

/// Forgets a connection's histories (closed or lost).
pub fn forget(conn: ConnId) {
    STORE.with(|s| s.borrow_mut().remove(&conn));
}

fn words(column: Column, text: &str) -> String {
    let name = match column {
        Column::Cpu => gettext("CPU"),
        Column::Memory => gettext("Memory"),
        Column::Disk => gettext("Disk I/O"),
        Column::Network => gettext("Network I/O"),
    };
    format!("{name} {text}")
}

fn text_or_dash(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| scale::UNKNOWN.to_string())
}

/// Points, axis top, value and text of a two-way throughput (read + write, rx + tx).
fn throughput(
    a: &crate::stats::Series,
    b: &crate::stats::Series,
    now: Option<f64>,
) -> (Vec<Option<f32>>, f64, Option<f64>, String) {
    let points: Vec<_> = series::sum(a, b).collect();
    let max = scale::axis_max_bytes(peak(points.iter()), 1024.0);
    (
        points,
        max,
        now,
        text_or_dash(now, scale::format_bytes_per_sec),
    )
}

/// The largest value of some points, gaps ignored.
fn peak<'a>(points: impl Iterator<Item = &'a Option<f32>>) -> Option<f32> {
    points
        .flatten()
        .copied()
        .fold(None, |m: Option<f32>, v| Some(m.map_or(v, |m| m.max(v))))
}

/// A domain's cell for `column`, or None without history (not running, no tick yet).
pub fn domain_cell(conn: ConnId, uuid: &str, column: Column) -> Option<CellView> {
    STORE.with(|s| {
        let store = s.borrow();
        let h = store.get(&conn)?.domain(uuid)?;
        let latest = h.latest();
        let (points, max, value, text): (Vec<Option<f32>>, f64, Option<f64>, String) = match column
        {
            Column::Cpu => {
                let v = latest.cpu_guest_pct;
                (
                    h.series(Metric::CpuGuest).iter().collect(),
                    100.0,
                    v,
                    text_or_dash(v, scale::format_percent),
                )
            }
            Column::Memory => {
                let s = h.series(Metric::MemoryUsed);
                let total = latest.memory_total_kib.map(|k| k as f64);
                let max = total.unwrap_or_else(|| scale::axis_max(s.max(), 1024.0));
                let v = latest.memory_used_kib.map(|k| k as f64);
                (
                    s.iter().collect(),
                    max,
                    v,
                    text_or_dash(v, scale::format_kib),
                )
            }
            Column::Disk => throughput(
                h.series(Metric::DiskRead),
                h.series(Metric::DiskWrite),
                latest.disk_bps(),
            ),
            Column::Network => throughput(
                h.series(Metric::NetRx),
                h.series(Metric::NetTx),
                latest.net_bps(),
            ),
        };
        Some(CellView {
            points,
            max: max as f32,
            words: words(column, &text),
            text,
            value: value.unwrap_or(-1.0),
        })
    })
}

/// A connection row's cell: the host's CPU and memory (None for disk and network).
pub fn host_cell(conn: ConnId, column: Column) -> Option<CellView> {
    STORE.with(|s| {
        let store = s.borrow();
        let host = store.get(&conn)?.host();
        let latest = host.latest();
        let (points, max, value, text) = match column {
            Column::Cpu => {
                let v = latest.cpu_pct;
                (
                    host.cpu_pct().iter().collect::<Vec<_>>(),
                    100.0,
                    v,
                    text_or_dash(v, scale::format_percent),
                )
            }
            Column::Memory => {
                let v = latest.memory_used_kib.map(|k| k as f64);
                let max = latest
                    .memory_total_kib
                    .map(|k| k as f64)
                    .unwrap_or_else(|| scale::axis_max(host.memory_used_kib().max(), 1024.0));
                (
                    host.memory_used_kib().iter().collect(),
                    max,
                    v,
                    text_or_dash(v, scale::format_kib),
                )
            }
            _ => return None,
        };
        value?;
        Some(CellView {
            points,
            max: max as f32,
            words: words(column, &text),
            text,
            value: value.unwrap_or(-1.0),
        })
    })
}

/// The latest sort keys of a domain: (cpu %, memory KiB, disk B/s, network B/s), -1 unknown.
pub fn domain_keys(conn: ConnId, uuid: &str) -> [f64; 4] {
    STORE.with(|s| {
        let store = s.borrow();
        let Some(h) = store.get(&conn).and_then(|p| p.domain(uuid)) else {
            return [-1.0; 4];
        };
        let l = h.latest();
        [
            l.cpu_guest_pct.unwrap_or(-1.0),
            l.memory_used_kib.map(|k| k as f64).unwrap_or(-1.0),
            l.disk_bps().unwrap_or(-1.0),
            l.net_bps().unwrap_or(-1.0),
        ]
    })
}

/// A two-line throughput graph (read/write, received/sent): lines, axis top, formatter and
/// the words `template` makes of the two latest values.
fn two_way(
    h: &crate::stats::DomainHistory,
    metrics: (Metric, Metric),
    now: (Option<f64>, Option<f64>),
    template: String,
) -> (Lines, f64, fn(f64) -> String, String) {
    let lines: Lines = vec![
        h.series(metrics.0).iter().collect(),
        h.series(metrics.1).iter().collect(),
    ];
    let max = scale::axis_max_bytes(peak(lines.iter().flatten()), 1024.0);
    let words = template
        .replace("%1$s", &text_or_dash(now.0, scale::format_bytes_per_sec))
        .replace("%2$s", &text_or_dash(now.1, scale::format_bytes_per_sec));
    (lines, max, scale::format_bytes_per_sec, words)
}

/// A graph's series, oldest point first.
type Lines = Vec<Vec<Option<f32>>>;

/// The Performance page's graph of `column` for a domain: lines, axis and words.
pub fn domain_graph(
    conn: ConnId,
    uuid: &str,
    column: Column,
) -> Option<(crate::ui::widgets::graph::GraphData, String)> {
    use crate::ui::widgets::graph::GraphData;
    STORE.with(|s| {
        let store = s.borrow();
        let p = store.get(&conn)?;
        let h = p.domain(uuid)?;
        let l = h.latest();
        let span = gettext("%s s ago").replace("%s", &p.capacity().to_string());
        let peak = |lines: &[Vec<Option<f32>>]| peak(lines.iter().flatten());
        let (lines, max, fmt, words): (Lines, f64, fn(f64) -> String, String) = match column {
            Column::Cpu => (
                vec![h.series(Metric::CpuGuest).iter().collect()],
                100.0,
                scale::format_percent,
                gettext("CPU usage %s")
                    .replace("%s", &text_or_dash(l.cpu_guest_pct, scale::format_percent)),
            ),
            Column::Memory => {
                let lines = vec![h.series(Metric::MemoryUsed).iter().collect::<Vec<_>>()];
                let max = l
                    .memory_total_kib
                    .map(|k| k as f64)
                    .unwrap_or_else(|| scale::axis_max(peak(&lines), 1024.0));
                let used = text_or_dash(l.memory_used_kib.map(|k| k as f64), scale::format_kib);
                (
                    lines,
                    max,
                    scale::format_kib,
                    gettext("Memory in use %s").replace("%s", &used),
                )
            }
            Column::Disk => two_way(
                h,
                (Metric::DiskRead, Metric::DiskWrite),
                (l.disk_read_bps, l.disk_write_bps),
                gettext("Disk read %1$s, write %2$s"),
            ),
            Column::Network => two_way(
                h,
                (Metric::NetRx, Metric::NetTx),
                (l.net_rx_bps, l.net_tx_bps),
                gettext("Network received %1$s, sent %2$s"),
            ),
        };
        let labels = [fmt(0.0), fmt(max / 2.0), fmt(max)];
        Some((
            GraphData {
                lines,
                max,
                labels,
                span,
                slots: p.capacity(),
            },
            words,
        ))
    })
}

/// The connection overview's graph of the host's CPU or memory.
pub fn host_graph(
    conn: ConnId,
    column: Column,
) -> Option<(crate::ui::widgets::graph::GraphData, String)> {
    use crate::ui::widgets::graph::GraphData;
    STORE.with(|s| {
        let store = s.borrow();
        let p = store.get(&conn)?;
        let host = p.host();
        let l = host.latest();
        let (lines, max, fmt, words): (Lines, f64, fn(f64) -> String, String) = match column {
            Column::Cpu => (
                vec![host.cpu_pct().iter().collect()],
                100.0,
                scale::format_percent,
                gettext("Host CPU usage %s")
                    .replace("%s", &text_or_dash(l.cpu_pct, scale::format_percent)),
            ),
            Column::Memory => {
                let lines: Lines = vec![host.memory_used_kib().iter().collect()];
                let max = l
                    .memory_total_kib
                    .map(|k| k as f64)
                    .unwrap_or_else(|| scale::axis_max(peak(lines.iter().flatten()), 1024.0));
                let used = text_or_dash(l.memory_used_kib.map(|k| k as f64), scale::format_kib);
                (
                    lines,
                    max,
                    scale::format_kib,
                    gettext("Host memory in use %s").replace("%s", &used),
                )
            }
            _ => return None,
        };
        let labels = [fmt(0.0), fmt(max / 2.0), fmt(max)];
        let span = gettext("%s s ago").replace("%s", &p.capacity().to_string());
        Some((
            GraphData {
                lines,
                max,
                labels,
                span,
                slots: p.capacity(),
            },
            words,
        ))
    })
}
