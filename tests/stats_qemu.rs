// SPDX-License-Identifier: GPL-3.0-or-later
//! Bulk stats from a real QEMU guest on the system daemon: start the test guest, read stats
//! through the wrapper and the pipeline for ~6 s, and check that real counters arrive and
//! turn into rates: CPU time grows and reads as a non-zero CPU %, balloon memory is there,
//! and so are the disks and (when the `default` network gave the guest a NIC) the interface.

mod common;

use std::time::{Duration, Instant};

use common::system::{self, TestGuest};
use vireo::backend::stats::{self, DomainStats, StatsGroups, StatsScope};
use vireo::backend::{DomainState, ErrorKind};
use vireo::stats::{Metric, StatsPipeline};
use virt::connect::Connect;

/// One bulk call; a connection lost to a daemon restart (another run may restart it) is
/// reopened and the call retried.
fn bulk(conn: &mut Connect) -> Vec<DomainStats> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match stats::all_domain_stats(conn, StatsGroups::ALL, StatsScope::Active) {
            Ok(r) => return r,
            Err(e) if e.kind == ErrorKind::ConnectionLost && Instant::now() < deadline => {
                eprintln!("bulk stats: {e}; reconnecting");
                std::thread::sleep(Duration::from_secs(1));
                if let Ok(c) = Connect::open(Some(system::SYSTEM_URI)) {
                    *conn = c;
                }
            }
            Err(e) => panic!("bulk stats failed: {e}"),
        }
    }
}

#[test]
fn real_guest_bulk_stats() {
    if !system::available("real_guest_bulk_stats") {
        return;
    }
    let guest = TestGuest::define("vireo-test-stats", "vireo-test-vnc.xml");
    let mut conn = Connect::open(Some(system::SYSTEM_URI)).expect("system connection");
    let dom = conn
        .lookup_domain_by_uuid_string(&guest.uuid)
        .expect("defined guest");
    let has_nic = dom.xml_desc(0).expect("domain xml").contains("<interface");
    dom.create().expect("start the test guest");

    let started = Instant::now();
    let mut pipeline = StatsPipeline::new();
    let mut seen: Vec<DomainStats> = Vec::new();
    let mut cpu_pcts = Vec::new();
    for _ in 0..7 {
        let recs = bulk(&mut conn);
        let host = stats::host_stats(&conn).ok();
        let changed = pipeline.ingest(started.elapsed().as_secs_f64(), host.as_ref(), &recs);
        let i = recs
            .iter()
            .position(|r| r.uuid == guest.uuid)
            .expect("the running guest is in the bulk stats");
        let rec = &recs[i];
        // A running QEMU guest's counters move: its graphs must be redrawn every tick.
        assert!(
            changed.contains(&i),
            "the real guest not reported as changed"
        );
        let sample = *pipeline.latest(&guest.uuid).expect("tracked");
        eprintln!("{sample:?}");
        cpu_pcts.push(sample.cpu_guest_pct);
        seen.push(rec.clone());
        std::thread::sleep(Duration::from_secs(1));
    }
    let first = &seen[0];
    let last = &seen[seen.len() - 1];
    eprintln!("last record: {last:#?}");

    assert_eq!(last.state, Some(DomainState::Running));
    let (t0, t1) = (first.cpu_time_ns.unwrap(), last.cpu_time_ns.unwrap());
    assert!(t1 > t0, "cpu.time did not grow: {t0} → {t1}");
    assert_eq!(last.vcpu_current, Some(1));
    assert_eq!(cpu_pcts[0], None, "first sample must have no rate");
    assert!(
        cpu_pcts.iter().flatten().any(|&p| p > 0.0),
        "guest CPU % never above 0: {cpu_pcts:?}"
    );
    assert!(cpu_pcts
        .iter()
        .flatten()
        .all(|&p| (0.0..=100.0).contains(&p)));

    // Balloon: QEMU's side always; the guest side needs its driver and the stats period.
    let b = &last.balloon;
    assert_eq!(b.maximum_kib, Some(256 * 1024), "{b:?}");
    assert!(b.current_kib.is_some_and(|c| c > 0), "{b:?}");
    assert!(b.rss_kib.is_some_and(|r| r > 0), "{b:?}");
    let s = pipeline.latest(&guest.uuid).unwrap();
    assert!(s.memory_used_kib.is_some_and(|m| m > 0), "{s:?}");
    assert!(s.memory_pct.is_some(), "{s:?}");
    let mem = pipeline.series(&guest.uuid, Metric::MemoryUsed).unwrap();
    assert!(mem.latest().is_some_and(|m| m > 0.0));

    // Disks: the boot CD-ROM (sda) and the virtio disk (vda).
    assert!(last.block_count.is_some_and(|n| n >= 2), "{last:?}");
    let vda = last
        .block
        .iter()
        .find(|d| d.name.as_deref() == Some("vda"))
        .expect("vda in block stats");
    assert!(vda.rd_bytes.is_some() && vda.wr_bytes.is_some(), "{vda:?}");
    assert!(s.disk_bps().is_some(), "{s:?}");

    if has_nic {
        assert!(last.net_count.is_some_and(|n| n >= 1), "{last:?}");
        let nic = &last.net[0];
        assert!(nic.name.is_some(), "{nic:?}");
        assert!(nic.rx_bytes.is_some() && nic.tx_bytes.is_some(), "{nic:?}");
        assert!(s.net_bps().is_some(), "{s:?}");
    } else {
        eprintln!("no `default` network: the guest has no NIC, net stats not checked");
    }

    // Host graphs of the same connection.
    let host = pipeline.host().latest();
    assert!(host.cpus.is_some_and(|n| n > 0), "{host:?}");
    assert!(host.cpu_pct.is_some(), "{host:?}");
    assert!(host.memory_used_kib.is_some(), "{host:?}");

    let _ = dom.destroy();
}
