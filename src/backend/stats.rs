// SPDX-License-Identifier: GPL-3.0-or-later
//! Raw statistics from libvirt, as plain data: one bulk call per connection and tick
//! ([`all_domain_stats`], libvirt's `virConnectGetAllDomainStats`) and the host's counters
//! ([`host_stats`]). Values are what libvirt reports (cumulative counters, KiB, ns); turning
//! them into rates and graphs is `crate::stats`' job, which never calls libvirt.
//!
//! virt 0.5's `Connect::all_domain_stats` never frees its records and exposes only raw
//! pointers, so the call is wrapped here: the record list is owned by a guard that frees it
//! with `virDomainStatsRecordListFree` whatever happens while parsing. These functions block
//! (an RPC on remote connections): call them on the connection's worker thread.
//!
//! - `params`: reading typed parameters into [`DomainStats`] (no libvirt calls).
//! - `host`: node CPU time and memory ([`host_stats`]).

mod host;
mod params;

use std::ops::{BitOr, BitOrAssign};
use std::ptr;

use virt::connect::Connect;
use virt::sys;

use super::domain::DomainState;
use super::error::{last_error, Result};

pub use host::{host_stats, HostCpuTimes, HostStats};

/// Which stats groups to ask libvirt for, so that per-metric switches cost nothing when off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatsGroups(u32);

impl StatsGroups {
    /// `state.*`: run state.
    pub const STATE: Self = Self(sys::VIR_DOMAIN_STATS_STATE);
    /// `cpu.*`: cumulative CPU time.
    pub const CPU: Self = Self(sys::VIR_DOMAIN_STATS_CPU_TOTAL);
    /// `balloon.*`: memory as the balloon driver and the host see it.
    pub const BALLOON: Self = Self(sys::VIR_DOMAIN_STATS_BALLOON);
    /// `vcpu.*`: vCPU counts (the divisor of the guest CPU %).
    pub const VCPU: Self = Self(sys::VIR_DOMAIN_STATS_VCPU);
    /// `net.*`: interface counters.
    pub const INTERFACE: Self = Self(sys::VIR_DOMAIN_STATS_INTERFACE);
    /// `block.*`: disk counters.
    pub const BLOCK: Self = Self(sys::VIR_DOMAIN_STATS_BLOCK);
    /// Everything Vireo graphs.
    pub const ALL: Self = Self(
        Self::STATE.0
            | Self::CPU.0
            | Self::BALLOON.0
            | Self::VCPU.0
            | Self::INTERFACE.0
            | Self::BLOCK.0,
    );

    pub const fn empty() -> Self {
        Self(0)
    }

    /// The groups the four graphed metrics need; state is always included (it is cheap and
    /// tells a stopped guest from a missing counter).
    pub fn for_metrics(cpu: bool, memory: bool, disk: bool, net: bool) -> Self {
        let mut g = Self::STATE;
        g.set(Self::CPU | Self::VCPU, cpu);
        g.set(Self::BALLOON, memory);
        g.set(Self::BLOCK, disk);
        g.set(Self::INTERFACE, net);
        g
    }

    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn set(&mut self, groups: Self, on: bool) {
        if on {
            self.0 |= groups.0;
        } else {
            self.0 &= !groups.0;
        }
    }

    /// libvirt's `virDomainStatsTypes` bits.
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl Default for StatsGroups {
    fn default() -> Self {
        Self::ALL
    }
}

impl BitOr for StatsGroups {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl BitOrAssign for StatsGroups {
    fn bitor_assign(&mut self, rhs: Self) {
        self.0 |= rhs.0;
    }
}

/// Which domains the bulk call covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatsScope {
    /// Every domain (inactive ones report `state.*` only).
    #[default]
    All,
    /// Running and paused domains only: what has counters worth graphing.
    Active,
}

/// One domain's raw stats from one bulk call. Every value libvirt did not report (group not
/// requested, guest stopped, no balloon driver, unexpected type) is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DomainStats {
    /// The domain's UUID string: the key everywhere in Vireo.
    pub uuid: String,
    /// `state.state`.
    pub state: Option<DomainState>,
    /// `cpu.time`, `cpu.user`, `cpu.system`: cumulative nanoseconds.
    pub cpu_time_ns: Option<u64>,
    pub cpu_user_ns: Option<u64>,
    pub cpu_system_ns: Option<u64>,
    /// `vcpu.current`, `vcpu.maximum`.
    pub vcpu_current: Option<u32>,
    pub vcpu_maximum: Option<u32>,
    pub balloon: BalloonStats,
    /// `block.count` and the per-disk counters, in libvirt's index order.
    pub block_count: Option<u32>,
    pub block: Vec<BlockStats>,
    /// `net.count` and the per-interface counters, in libvirt's index order.
    pub net_count: Option<u32>,
    pub net: Vec<NetStats>,
}

/// `balloon.*`, all in KiB. `current`/`maximum` come from QEMU; `available`, `unused` and
/// `usable` need the guest's balloon driver (and a stats period); `rss` is the host side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BalloonStats {
    pub current_kib: Option<u64>,
    pub maximum_kib: Option<u64>,
    pub available_kib: Option<u64>,
    pub unused_kib: Option<u64>,
    pub usable_kib: Option<u64>,
    pub rss_kib: Option<u64>,
}

/// `block.N.*`: one disk's name (target, e.g. "vda") and cumulative byte counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockStats {
    pub name: Option<String>,
    pub rd_bytes: Option<u64>,
    pub wr_bytes: Option<u64>,
}

/// `net.N.*`: one interface's name (host side, e.g. "vnet3") and cumulative byte counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetStats {
    pub name: Option<String>,
    pub rx_bytes: Option<u64>,
    pub tx_bytes: Option<u64>,
}

/// Owns libvirt's record array and frees it (records, their domains and parameters) on drop,
/// so an early return or a panic while parsing cannot leak it.
struct RecordList(*mut sys::virDomainStatsRecordPtr);

impl RecordList {
    /// The records, skipping null entries (libvirt never sends them; we do not trust that).
    fn records(&self, n: usize) -> impl Iterator<Item = &sys::virDomainStatsRecord> {
        let base = self.0;
        let n = if base.is_null() { 0 } else { n };
        (0..n).filter_map(move |i| {
            // SAFETY: libvirt returned an array of at least `n` record pointers (plus a
            // terminating null); each non-null one points to a record alive until drop.
            unsafe { (*base.add(i)).as_ref() }
        })
    }
}

impl Drop for RecordList {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the array came from virConnectGetAllDomainStats and is freed once.
            unsafe { sys::virDomainStatsRecordListFree(self.0) };
        }
    }
}

/// One bulk stats call: the requested `groups` for the domains in `scope`, parsed into
/// [`DomainStats`]. Groups the driver does not support are skipped silently (libvirt's
/// default), so `test:///` gives `state.*` only. An empty `groups` asks nothing and makes no
/// call (libvirt would read 0 as "everything").
///
/// A record whose UUID cannot be read is dropped: without a key it cannot be graphed.
pub fn all_domain_stats(
    conn: &Connect,
    groups: StatsGroups,
    scope: StatsScope,
) -> Result<Vec<DomainStats>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let flags = match scope {
        StatsScope::All => 0,
        StatsScope::Active => sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE,
    };
    let mut raw: *mut sys::virDomainStatsRecordPtr = ptr::null_mut();
    // SAFETY: conn is a live connection; on success libvirt stores an array we own in `raw`.
    let n =
        unsafe { sys::virConnectGetAllDomainStats(conn.as_ptr(), groups.bits(), &mut raw, flags) };
    let list = RecordList(raw);
    if n < 0 {
        return Err(last_error());
    }
    let n = usize::try_from(n).unwrap_or(0);
    let mut out = Vec::with_capacity(n);
    for rec in list.records(n) {
        let Some(uuid) = uuid_of(rec.dom) else {
            log::debug!("stats record without a readable UUID skipped");
            continue;
        };
        // SAFETY: params/nparams describe the record's parameter array, alive until drop;
        // its string parameters are valid C strings or null.
        let mut stats = unsafe { params::parse(params::slice(rec.params, rec.nparams)) };
        stats.uuid = uuid;
        out.push(stats);
    }
    Ok(out)
}

/// The domain's UUID string, read locally from the domain object (no RPC). The raw bytes
/// are formatted here: libvirt's `virDomainGetUUIDString` goes through `snprintf` once per
/// byte, a sixth of a 1000-guest tick.
fn uuid_of(dom: sys::virDomainPtr) -> Option<String> {
    if dom.is_null() {
        return None;
    }
    let mut raw = [0u8; sys::VIR_UUID_BUFLEN as usize];
    // SAFETY: dom is a valid domain reference held by the record; raw has the documented size.
    let rc = unsafe { sys::virDomainGetUUID(dom, raw.as_mut_ptr()) };
    if rc < 0 {
        // Clear the thread's error so it is not reported by an unrelated later call.
        let _ = last_error();
        return None;
    }
    Some(format_uuid(&raw))
}

/// A UUID's 16 bytes as libvirt writes them: lower-case hex in 8-4-4-4-12 groups.
fn format_uuid(raw: &[u8; sys::VIR_UUID_BUFLEN as usize]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(36);
    for (i, b) in raw.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_formatted_as_libvirt_does() {
        let raw = [
            0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff,
        ];
        assert_eq!(format_uuid(&raw), "00112233-4455-6677-8899-aabbccddeeff");
    }

    #[test]
    fn groups_compose() {
        let g = StatsGroups::for_metrics(true, false, false, true);
        assert!(g.contains(StatsGroups::STATE | StatsGroups::CPU | StatsGroups::VCPU));
        assert!(g.contains(StatsGroups::INTERFACE));
        assert!(!g.contains(StatsGroups::BALLOON));
        assert!(!g.contains(StatsGroups::BLOCK));
        assert_eq!(
            StatsGroups::for_metrics(true, true, true, true),
            StatsGroups::ALL
        );
        let mut g = StatsGroups::ALL;
        g.set(StatsGroups::BLOCK, false);
        assert!(!g.contains(StatsGroups::BLOCK) && g.contains(StatsGroups::CPU));
        assert!(StatsGroups::empty().is_empty());
    }
}
