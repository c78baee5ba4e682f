// SPDX-License-Identifier: GPL-3.0-or-later
//! Counters → rates, as pure functions of two samples and the wall time between them.
//!
//! The rules every function follows: no previous sample, a missing value, a wall delta that
//! is not positive and finite, or a counter that went backwards (the guest restarted, a
//! device was replaced) give `None` — a gap in the graph — never a negative rate or a huge
//! spike. Percentages are clamped to 0–100 as a sanity bound.

use crate::backend::stats::{BalloonStats, BlockStats, HostCpuTimes, HostStats, NetStats};

const NS_PER_SEC: f64 = 1e9;

/// Per-second rate of a cumulative counter between two samples `dt` seconds apart.
pub fn counter_rate(prev: Option<u64>, cur: Option<u64>, dt: f64) -> Option<f64> {
    let (p, c) = (prev?, cur?);
    if !(dt.is_finite() && dt > 0.0) || c < p {
        return None;
    }
    Some((c - p) as f64 / dt)
}

/// The vCPU count to divide an interval's CPU time by. When it changed during the interval
/// (hot-plug or unplug) the larger count is the only one that cannot overstate the load.
pub fn effective_vcpus(prev: Option<u32>, cur: Option<u32>) -> Option<u32> {
    let n = match (prev, cur) {
        (Some(p), Some(c)) => p.max(c),
        (_, c) => c?,
    };
    (n > 0).then_some(n)
}

/// A guest's CPU load over one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CpuPercent {
    /// Share of the guest's own vCPUs, 0–100 (100 = every vCPU busy).
    pub guest: Option<f64>,
    /// Share of all host CPUs, 0–100.
    pub host: Option<f64>,
}

/// CPU % from `cpu.time` (ns) over `dt` seconds. `cpu.time` also counts QEMU's own threads,
/// so a busy guest can read slightly above its vCPUs: the clamp keeps it at 100.
pub fn cpu_percent(
    prev_ns: Option<u64>,
    cur_ns: Option<u64>,
    dt: f64,
    vcpus: Option<u32>,
    host_cpus: Option<u32>,
) -> CpuPercent {
    // Average number of CPUs kept busy during the interval.
    let Some(busy) = counter_rate(prev_ns, cur_ns, dt).map(|r| r / NS_PER_SEC) else {
        return CpuPercent::default();
    };
    let share = |n: Option<u32>| {
        let n = f64::from(n.filter(|&n| n > 0)?);
        Some((busy / n * 100.0).clamp(0.0, 100.0))
    };
    CpuPercent {
        guest: share(vcpus),
        host: share(host_cpus),
    }
}

/// Memory the guest uses, in KiB: what its balloon driver reports as in use (available −
/// unused) when it does, else what QEMU holds on the host (rss), else what the guest was
/// given (current).
pub fn memory_used_kib(b: &BalloonStats) -> Option<u64> {
    match (b.available_kib, b.unused_kib) {
        (Some(avail), Some(unused)) if unused <= avail => Some(avail - unused),
        _ => b.rss_kib.or(b.current_kib),
    }
}

/// `used` as a share of `total`, 0–100.
pub fn percent_of(used: Option<u64>, total: Option<u64>) -> Option<f64> {
    let total = total.filter(|&t| t > 0)? as f64;
    Some((used? as f64 / total * 100.0).clamp(0.0, 100.0))
}

/// A device with two cumulative byte counters: a disk (read, write) or an interface (rx, tx).
pub trait IoCounters {
    /// The device's name, which pairs it across samples (indexes shift on hot-plug).
    fn device(&self) -> Option<&str>;
    fn counters(&self) -> (Option<u64>, Option<u64>);
}

impl IoCounters for BlockStats {
    fn device(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn counters(&self) -> (Option<u64>, Option<u64>) {
        (self.rd_bytes, self.wr_bytes)
    }
}

impl IoCounters for NetStats {
    fn device(&self) -> Option<&str> {
        self.name.as_deref()
    }
    fn counters(&self) -> (Option<u64>, Option<u64>) {
        (self.rx_bytes, self.tx_bytes)
    }
}

/// Summed per-second rates of both counters over all devices present in both samples:
/// (read, write) for disks, (rx, tx) for interfaces. A device new in `cur` has no baseline
/// and is left out; one whose counter went backwards makes that direction `None` for this
/// interval. With no devices at all the rate is 0 (the caller knows the group was reported).
pub fn io_rates<P: IoCounters, C: IoCounters>(
    prev: &[P],
    cur: &[C],
    dt: f64,
) -> (Option<f64>, Option<f64>) {
    if !(dt.is_finite() && dt > 0.0) {
        return (None, None);
    }
    // (sum of deltas, devices compared, reset seen) per direction.
    let mut acc = [(0u64, 0usize, false); 2];
    for (i, c) in cur.iter().enumerate() {
        let Some(p) = matching(prev, i, c.device()) else {
            continue;
        };
        let (pa, pb) = p.counters();
        let (ca, cb) = c.counters();
        for (slot, (pv, cv)) in acc.iter_mut().zip([(pa, ca), (pb, cb)]) {
            if let (Some(pv), Some(cv)) = (pv, cv) {
                match cv.checked_sub(pv) {
                    Some(d) => *slot = (slot.0.saturating_add(d), slot.1 + 1, slot.2),
                    None => slot.2 = true,
                }
            }
        }
    }
    let rate = |(sum, n, reset): (u64, usize, bool)| {
        if reset || (n == 0 && !cur.is_empty()) {
            None
        } else {
            Some(sum as f64 / dt)
        }
    };
    (rate(acc[0]), rate(acc[1]))
}

/// The previous sample's device that `cur[i]` continues: same index and name (the usual
/// case, no search), else the same name anywhere, else — for unnamed devices — the index.
fn matching<'a, P: IoCounters>(prev: &'a [P], i: usize, name: Option<&str>) -> Option<&'a P> {
    let same = prev.get(i).filter(|p| p.device() == name);
    match name {
        Some(_) => same.or_else(|| prev.iter().find(|p| p.device() == name)),
        None => same,
    }
}

/// Host CPU % over the interval between two readings: busy time (kernel + user) over all
/// time (+ idle, + iowait). A driver that reports an instant utilisation is taken at its word.
pub fn host_cpu_percent(prev: &HostCpuTimes, cur: &HostCpuTimes) -> Option<f64> {
    if let Some(u) = cur.utilization_pct {
        return Some((u as f64).clamp(0.0, 100.0));
    }
    let busy = |t: &HostCpuTimes| t.kernel_ns?.checked_add(t.user_ns?);
    let with_iowait = prev.iowait_ns.is_some() && cur.iowait_ns.is_some();
    let total = |t: &HostCpuTimes| {
        let all = busy(t)?.checked_add(t.idle_ns?)?;
        if with_iowait {
            all.checked_add(t.iowait_ns?)
        } else {
            Some(all)
        }
    };
    let d_busy = busy(cur)?.checked_sub(busy(prev)?)?;
    let d_total = total(cur)?.checked_sub(total(prev)?)?;
    if d_total == 0 {
        return None;
    }
    Some((d_busy as f64 / d_total as f64 * 100.0).clamp(0.0, 100.0))
}

/// Host memory in use, in KiB, as `free` counts it: total − free − buffers − page cache.
pub fn host_memory_used_kib(h: &HostStats) -> Option<u64> {
    let reclaimable = h.memory_buffers_kib.unwrap_or(0) + h.memory_cached_kib.unwrap_or(0);
    let used = h.memory_total_kib?.checked_sub(h.memory_free_kib?)?;
    Some(used.saturating_sub(reclaimable))
}

#[cfg(test)]
mod tests;
