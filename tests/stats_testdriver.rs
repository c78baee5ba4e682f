// SPDX-License-Identifier: GPL-3.0-or-later
//! The bulk stats wrapper against libvirt's test driver (in-process, no daemon):
//! `test:///default`'s one domain with `state.*` only, a 1000-domain node through the
//! wrapper and the pipeline, and 200 bulk calls without the process growing (virt 0.5's own
//! `all_domain_stats` leaks every record; ours frees them).

mod common;

use std::sync::{Mutex, MutexGuard};

use vireo::backend::stats::{self, StatsGroups, StatsScope};
use vireo::backend::DomainState;
use vireo::stats::{Metric, StatsPipeline};
use virt::connect::Connect;

const DEFAULT_UUID: &str = "6695eb01-f6a4-8304-79aa-97f2502e193f";

/// The tests of this file run one at a time, so that one test's allocations do not show up
/// in the leak test's RSS.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

fn open(uri: &str) -> Connect {
    vireo::backend::init();
    Connect::open(Some(uri)).unwrap_or_else(|e| panic!("open {uri}: {e}"))
}

/// Resident set size of this process, in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn default_driver_reports_state_only() {
    let _serial = serial();
    let conn = open("test:///default");
    let recs = stats::all_domain_stats(&conn, StatsGroups::ALL, StatsScope::All).unwrap();
    assert_eq!(recs.len(), 1, "{recs:#?}");
    let r = &recs[0];
    assert_eq!(r.uuid, DEFAULT_UUID);
    assert_eq!(r.state, Some(DomainState::Running));
    assert_eq!(r.cpu_time_ns, None);
    assert_eq!((r.cpu_user_ns, r.cpu_system_ns), (None, None));
    assert_eq!((r.vcpu_current, r.vcpu_maximum), (None, None));
    assert_eq!(r.balloon, Default::default());
    assert_eq!((r.block_count, r.net_count), (None, None));
    assert!(r.block.is_empty() && r.net.is_empty());

    // An empty group set asks nothing (libvirt would read 0 as "everything").
    let none = stats::all_domain_stats(&conn, StatsGroups::empty(), StatsScope::All).unwrap();
    assert!(none.is_empty());
}

#[test]
fn default_driver_host_stats() {
    let _serial = serial();
    let conn = open("test:///default");
    let h = stats::host_stats(&conn).unwrap();
    assert!(h.cpus.is_some_and(|n| n > 0), "{h:?}");
    assert!(h.memory_total_kib.is_some_and(|m| m > 0), "{h:?}");
    // The test driver has no virNodeGetMemoryStats: free memory comes from the fallback.
    assert!(h.memory_free_kib.is_some(), "{h:?}");
    let mut p = StatsPipeline::new();
    p.ingest(0.0, Some(&h), &[]);
    p.ingest(1.0, Some(&stats::host_stats(&conn).unwrap()), &[]);
    assert_eq!(p.host().latest().cpus, h.cpus);
    assert!(p.host().latest().memory_used_kib.is_some());
    assert!(p.host().cpu_pct().iter().flatten().all(f32::is_finite));
}

#[test]
fn thousand_domains_through_wrapper_and_pipeline() {
    let _serial = serial();
    let conn = open(&common::private_node("stats-1000", 1000));
    let mut p = StatsPipeline::new();
    for tick in 0..3 {
        let recs = stats::all_domain_stats(&conn, StatsGroups::ALL, StatsScope::Active).unwrap();
        assert_eq!(recs.len(), 1000);
        assert!(recs.iter().all(|r| r.state == Some(DomainState::Running)));
        p.ingest(f64::from(tick), None, &recs);
    }
    assert_eq!(p.len(), 1000);
    let uuid = "000003e8-0000-4000-8000-000000000001"; // vm0001 in private_node's scheme
    let h = p.domain(uuid).expect("vm0001 tracked");
    assert_eq!(h.latest().state, Some(DomainState::Running));
    // State only: every metric is a gap, none a made-up zero.
    assert!(Metric::ALL
        .iter()
        .all(|&m| h.series(m).len() == 3 && h.series(m).iter().all(|v| v.is_none())));
}

#[test]
fn repeated_bulk_calls_do_not_leak() {
    let _serial = serial();
    let conn = open(&common::private_node("stats-leak", 1000));
    let call = || {
        let recs = stats::all_domain_stats(&conn, StatsGroups::ALL, StatsScope::All).unwrap();
        assert_eq!(recs.len(), 1000);
    };
    // Warm up: the allocator's arenas and libvirt's caches reach their steady size.
    for _ in 0..20 {
        call();
    }
    let before = rss_kib();
    for _ in 0..200 {
        call();
    }
    let grown = rss_kib().saturating_sub(before);
    eprintln!("RSS before {before} KiB, growth over 200 calls: {grown} KiB");
    // Leaking the records would cost on the order of 100 KiB per call (20+ MiB here).
    assert!(
        grown < 4 * 1024,
        "RSS grew by {grown} KiB over 200 bulk calls"
    );
}
