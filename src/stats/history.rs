// SPDX-License-Identifier: GPL-3.0-or-later
//! One domain's (and one host's) history inside the [`super::StatsPipeline`]: the counters
//! kept from the previous tick, the latest derived sample, and one [`Series`] per metric.
//! Updating it allocates nothing once the first tick has sized its buffers, which is what
//! keeps a 1000-guest tick well under a millisecond.

use super::derive::{self, IoCounters};
use super::series::Series;
use super::Metric;
use crate::backend::stats::{DomainStats, HostCpuTimes, HostStats};
use crate::backend::DomainState;

/// What one tick says about a domain, derived from its counters. `None`: not available this
/// tick (first sample, counter reset, group not requested, guest stopped).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DomainSample {
    pub state: Option<DomainState>,
    /// `vcpu.current` as reported this tick.
    pub vcpus: Option<u32>,
    /// CPU busy as a share of the guest's vCPUs, 0–100.
    pub cpu_guest_pct: Option<f64>,
    /// CPU busy as a share of all host CPUs, 0–100.
    pub cpu_host_pct: Option<f64>,
    pub memory_used_kib: Option<u64>,
    /// What the guest currently has (`balloon.current`, else `balloon.maximum`).
    pub memory_total_kib: Option<u64>,
    pub memory_pct: Option<f64>,
    pub disk_read_bps: Option<f64>,
    pub disk_write_bps: Option<f64>,
    pub net_rx_bps: Option<f64>,
    pub net_tx_bps: Option<f64>,
}

impl DomainSample {
    /// Disk read + write, bytes/s (the list's disk column).
    pub fn disk_bps(&self) -> Option<f64> {
        Some(self.disk_read_bps? + self.disk_write_bps?)
    }

    /// Network rx + tx, bytes/s (the list's network column).
    pub fn net_bps(&self) -> Option<f64> {
        Some(self.net_rx_bps? + self.net_tx_bps?)
    }
}

/// A device's counters as of the previous tick.
#[derive(Debug, Clone, Default)]
struct DevCounter {
    name: Option<String>,
    a: Option<u64>,
    b: Option<u64>,
}

impl IoCounters for DevCounter {
    fn device(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn counters(&self) -> (Option<u64>, Option<u64>) {
        (self.a, self.b)
    }
}

/// Copies `src`'s counters into `dst`, reusing the names' allocations.
fn keep<C: IoCounters>(dst: &mut Vec<DevCounter>, src: &[C]) {
    dst.truncate(src.len());
    for (i, s) in src.iter().enumerate() {
        if i == dst.len() {
            dst.push(DevCounter::default());
        }
        let d = &mut dst[i];
        match (&mut d.name, s.device()) {
            (Some(old), Some(new)) => {
                if old != new {
                    old.clear();
                    old.push_str(new);
                }
            }
            (slot, new) => *slot = new.map(str::to_owned),
        }
        (d.a, d.b) = s.counters();
    }
}

/// The previous tick's counters. `*_ok` says whether the group was reported at all, so that
/// "no disks" (rate 0) and "disks not asked for" (no rate) stay different.
#[derive(Debug, Default)]
struct Previous {
    t: Option<f64>,
    cpu_time_ns: Option<u64>,
    vcpus: Option<u32>,
    block: Vec<DevCounter>,
    block_ok: bool,
    net: Vec<DevCounter>,
    net_ok: bool,
}

/// One domain's history.
#[derive(Debug)]
pub struct DomainHistory {
    prev: Previous,
    latest: DomainSample,
    /// The pipeline tick that last saw this domain (older ones are dropped).
    pub(super) seen: u64,
    /// No series holds a value (only gaps): a tick without values then changes nothing
    /// that is drawn.
    gaps_only: bool,
    series: [Series; Metric::COUNT],
}

impl DomainHistory {
    pub(super) fn new(capacity: usize) -> Self {
        DomainHistory {
            prev: Previous::default(),
            latest: DomainSample::default(),
            seen: 0,
            gaps_only: true,
            series: std::array::from_fn(|_| Series::new(capacity)),
        }
    }

    /// The sample derived at the latest tick.
    pub fn latest(&self) -> &DomainSample {
        &self.latest
    }

    /// The history of one metric, oldest point first.
    pub fn series(&self, metric: Metric) -> &Series {
        &self.series[metric as usize]
    }

    /// `ticks` ticks went by unmeasured (polling paused): that many gaps, and no baseline,
    /// so the first tick after them shows no rate averaged over the whole pause.
    pub(super) fn skip(&mut self, ticks: usize) {
        self.prev = Previous::default();
        self.latest = DomainSample::default();
        for s in &mut self.series {
            for _ in 0..ticks.min(s.capacity()) {
                s.push_gap();
            }
        }
    }

    /// Derives this tick's sample from `rec` (taken at `t` seconds) and the previous tick.
    /// Returns whether anything a view shows changed: the latest sample, or a series that
    /// holds a value. A guest whose records carry no counters (libvirt's test driver, every
    /// metric switched off) changes nothing tick after tick once its first sample is in.
    pub(super) fn update(&mut self, t: f64, rec: &DomainStats, host_cpus: Option<u32>) -> bool {
        let p = &mut self.prev;
        // No previous tick reads as a zero delta: derive then reports no rate.
        let dt = p.t.map_or(0.0, |pt| t - pt);
        let vcpus = derive::effective_vcpus(p.vcpus, rec.vcpu_current);
        let cpu = derive::cpu_percent(p.cpu_time_ns, rec.cpu_time_ns, dt, vcpus, host_cpus);
        let memory_used_kib = derive::memory_used_kib(&rec.balloon);
        let memory_total_kib = rec.balloon.current_kib.or(rec.balloon.maximum_kib);
        let block_ok = rec.block_count.is_some() || !rec.block.is_empty();
        let (disk_read_bps, disk_write_bps) = if block_ok && p.block_ok {
            derive::io_rates(&p.block, &rec.block, dt)
        } else {
            (None, None)
        };
        let net_ok = rec.net_count.is_some() || !rec.net.is_empty();
        let (net_rx_bps, net_tx_bps) = if net_ok && p.net_ok {
            derive::io_rates(&p.net, &rec.net, dt)
        } else {
            (None, None)
        };
        let sample = DomainSample {
            state: rec.state,
            vcpus: rec.vcpu_current,
            cpu_guest_pct: cpu.guest,
            cpu_host_pct: cpu.host,
            memory_used_kib,
            memory_total_kib,
            memory_pct: derive::percent_of(memory_used_kib, memory_total_kib),
            disk_read_bps,
            disk_write_bps,
            net_rx_bps,
            net_tx_bps,
        };
        let mut changed = sample != self.latest;
        self.latest = sample;
        let s = &self.latest;
        let points = [
            (Metric::CpuGuest, s.cpu_guest_pct),
            (Metric::CpuHost, s.cpu_host_pct),
            (Metric::MemoryUsed, memory_used_kib.map(|k| k as f64)),
            (Metric::DiskRead, s.disk_read_bps),
            (Metric::DiskWrite, s.disk_write_bps),
            (Metric::NetRx, s.net_rx_bps),
            (Metric::NetTx, s.net_tx_bps),
        ];
        let gaps = points.iter().all(|(_, v)| v.is_none());
        if !(gaps && self.gaps_only) {
            changed = true;
        }
        for (m, v) in points {
            // A gap into a full series of gaps returns at once (see `Series::push`).
            self.series[m as usize].push(v);
        }
        if !gaps || !self.gaps_only {
            self.gaps_only = self.series.iter().all(|s| !s.has_values());
        }

        // A non-finite time is no baseline: the next tick then starts afresh.
        p.t = t.is_finite().then_some(t);
        p.cpu_time_ns = rec.cpu_time_ns;
        p.vcpus = rec.vcpu_current;
        keep(&mut p.block, &rec.block);
        p.block_ok = block_ok;
        keep(&mut p.net, &rec.net);
        p.net_ok = net_ok;
        changed
    }
}

/// What one tick says about the host.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HostSample {
    pub cpus: Option<u32>,
    pub cpu_pct: Option<f64>,
    pub memory_used_kib: Option<u64>,
    pub memory_total_kib: Option<u64>,
    pub memory_pct: Option<f64>,
}

/// The host's history: CPU % and memory in use (KiB).
#[derive(Debug)]
pub struct HostHistory {
    prev_cpu: Option<HostCpuTimes>,
    latest: HostSample,
    cpu_pct: Series,
    memory_used_kib: Series,
}

impl HostHistory {
    pub(super) fn new(capacity: usize) -> Self {
        HostHistory {
            prev_cpu: None,
            latest: HostSample::default(),
            cpu_pct: Series::new(capacity),
            memory_used_kib: Series::new(capacity),
        }
    }

    pub fn latest(&self) -> &HostSample {
        &self.latest
    }

    pub fn cpu_pct(&self) -> &Series {
        &self.cpu_pct
    }

    pub fn memory_used_kib(&self) -> &Series {
        &self.memory_used_kib
    }

    /// `ticks` ticks went by unmeasured: that many gaps, and no CPU baseline.
    pub(super) fn skip(&mut self, ticks: usize) {
        self.prev_cpu = None;
        self.latest = HostSample::default();
        for s in [&mut self.cpu_pct, &mut self.memory_used_kib] {
            for _ in 0..ticks.min(s.capacity()) {
                s.push_gap();
            }
        }
    }

    /// `None` (host stats off or failed this tick) records a gap; the CPU baseline is kept,
    /// since a ratio of time deltas stays right across a skipped tick.
    pub(super) fn update(&mut self, host: Option<&HostStats>) {
        let Some(h) = host else {
            self.latest = HostSample::default();
            self.cpu_pct.push_gap();
            self.memory_used_kib.push_gap();
            return;
        };
        let cpu_pct = self
            .prev_cpu
            .and_then(|prev| derive::host_cpu_percent(&prev, &h.cpu));
        let used = derive::host_memory_used_kib(h);
        self.latest = HostSample {
            cpus: h.cpus,
            cpu_pct,
            memory_used_kib: used,
            memory_total_kib: h.memory_total_kib,
            memory_pct: derive::percent_of(used, h.memory_total_kib),
        };
        self.cpu_pct.push(cpu_pct);
        self.memory_used_kib.push(used.map(|k| k as f64));
        self.prev_cpu = Some(h.cpu);
    }
}
