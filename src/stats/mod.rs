// SPDX-License-Identifier: GPL-3.0-or-later
//! Performance statistics as pure maths: no libvirt calls, no GTK. The backend's bulk call
//! (`crate::backend::stats`) gives raw counters once per tick; a [`StatsPipeline`] per
//! connection turns them into rates and keeps short histories that graphs draw.
//!
//! - [`series`]: the fixed-capacity ring buffer, with gaps instead of NaN.
//! - [`derive`](mod@derive): counters → rates (CPU %, memory in use, disk and network bytes/s).
//! - [`scale`]: axis maxima in 1-2-5 steps and unit formatting ("1.5 MiB/s", "12 %").
//! - [`history`]: one domain's (and the host's) previous counters, latest sample and series.
//!
//! One tick, on the connection's worker:
//!
//! ```no_run
//! # use vireo::backend::stats::{self, StatsGroups, StatsScope};
//! # use vireo::stats::{Metric, StatsPipeline};
//! # let conn = virt::connect::Connect::open(Some("test:///default")).unwrap();
//! # let started = std::time::Instant::now();
//! let mut pipeline = StatsPipeline::new();
//! let records = stats::all_domain_stats(&conn, StatsGroups::ALL, StatsScope::Active)?;
//! let host = stats::host_stats(&conn).ok();
//! pipeline.ingest(started.elapsed().as_secs_f64(), host.as_ref(), &records);
//! for (uuid, history) in pipeline.domains() {
//!     let _cpu = history.latest().cpu_guest_pct; // None on the first tick
//!     let _graph = history.series(Metric::CpuGuest);
//! }
//! # Ok::<(), vireo::backend::BackendError>(())
//! ```

pub mod derive;
pub mod history;
pub mod scale;
pub mod series;

use std::collections::HashMap;

use crate::backend::stats::{DomainStats, HostStats};

pub use history::{DomainHistory, DomainSample, HostHistory, HostSample};
pub use series::{Series, DEFAULT_CAPACITY};

/// The per-domain series a pipeline keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// CPU % of the guest's own vCPUs (0–100).
    CpuGuest,
    /// CPU % of the host (0–100).
    CpuHost,
    /// Memory in use, KiB.
    MemoryUsed,
    /// Bytes/s, summed over disks.
    DiskRead,
    DiskWrite,
    /// Bytes/s, summed over interfaces.
    NetRx,
    NetTx,
}

impl Metric {
    pub const COUNT: usize = 7;
    pub const ALL: [Metric; Metric::COUNT] = [
        Metric::CpuGuest,
        Metric::CpuHost,
        Metric::MemoryUsed,
        Metric::DiskRead,
        Metric::DiskWrite,
        Metric::NetRx,
        Metric::NetTx,
    ];
}

/// Rates and histories for every domain of one connection, plus its host.
#[derive(Debug)]
pub struct StatsPipeline {
    capacity: usize,
    tick: u64,
    domains: HashMap<String, DomainHistory>,
    host: HostHistory,
    /// The last host CPU count seen, so a tick without host stats still has a divisor.
    host_cpus: Option<u32>,
}

impl Default for StatsPipeline {
    fn default() -> Self {
        Self::new()
    }
}

impl StatsPipeline {
    /// A pipeline keeping [`DEFAULT_CAPACITY`] points per series.
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }

    /// A pipeline keeping `points` points per series (at least one).
    pub fn with_capacity(points: usize) -> Self {
        let capacity = points.max(1);
        StatsPipeline {
            capacity,
            tick: 0,
            domains: HashMap::new(),
            host: HostHistory::new(capacity),
            host_cpus: None,
        }
    }

    /// Ingests one tick: `t_seconds` from a monotonic clock (taken when the records were
    /// read), the host's counters if read this tick, and one bulk call's records. Domains
    /// absent from `records` are forgotten (undefined, or stopped under an active-only
    /// query); a domain seen for the first time gets rates from its second tick on.
    ///
    /// Returns the indexes into `records` of the domains whose latest sample or drawn
    /// series changed (see [`DomainHistory::update`]): only their views need refreshing.
    pub fn ingest(
        &mut self,
        t_seconds: f64,
        host: Option<&HostStats>,
        records: &[DomainStats],
    ) -> Vec<usize> {
        self.tick += 1;
        let tick = self.tick;
        if let Some(n) = host.and_then(|h| h.cpus) {
            self.host_cpus = Some(n);
        }
        self.host.update(host);
        let mut changed = Vec::new();
        // Distinct domains seen this tick: when that is all of them, none is to be dropped.
        let mut seen = 0;
        for (i, rec) in records.iter().enumerate() {
            // Look up by &str first: allocating the key only for new domains.
            let (h, new) = match self.domains.get_mut(rec.uuid.as_str()) {
                Some(h) => (h, false),
                None => {
                    let h = DomainHistory::new(self.capacity);
                    (self.domains.entry(rec.uuid.clone()).or_insert(h), true)
                }
            };
            // A new history is news whatever it holds: views showed none before.
            if h.update(t_seconds, rec, self.host_cpus) || new {
                changed.push(i);
            }
            if h.seen != tick {
                h.seen = tick;
                seen += 1;
            }
        }
        if seen != self.domains.len() {
            self.domains.retain(|_, h| h.seen == tick);
        }
        changed
    }

    /// `ticks` ticks went by without a sample (polling was paused while nothing showed the
    /// graphs): every series gets that many gaps, so the graphs keep their time axis and
    /// show the pause as a break, and no rate is derived across it.
    pub fn skip(&mut self, ticks: usize) {
        if ticks == 0 {
            return;
        }
        for h in self.domains.values_mut() {
            h.skip(ticks);
        }
        self.host.skip(ticks);
    }

    /// One domain's history, by UUID.
    pub fn domain(&self, uuid: &str) -> Option<&DomainHistory> {
        self.domains.get(uuid)
    }

    /// The latest derived sample of a domain.
    pub fn latest(&self, uuid: &str) -> Option<&DomainSample> {
        self.domain(uuid).map(DomainHistory::latest)
    }

    /// One metric's series of a domain, oldest point first.
    pub fn series(&self, uuid: &str, metric: Metric) -> Option<&Series> {
        self.domain(uuid).map(|h| h.series(metric))
    }

    /// Every tracked domain, in no particular order.
    pub fn domains(&self) -> impl Iterator<Item = (&str, &DomainHistory)> {
        self.domains.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of tracked domains.
    pub fn len(&self) -> usize {
        self.domains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
    }

    /// The host's CPU % and memory history.
    pub fn host(&self) -> &HostHistory {
        &self.host
    }

    /// Points per series.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Forgets every domain and the host history (e.g. the tick interval changed, so old
    /// points would be misplaced on the time axis).
    pub fn clear(&mut self) {
        self.domains.clear();
        self.host = HostHistory::new(self.capacity);
    }
}

#[cfg(test)]
mod tests;
