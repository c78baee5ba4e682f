// SPDX-License-Identifier: GPL-3.0-or-later
//! Unit tests of the pipeline as a whole: records in, samples and series out, over ticks.

use super::*;
use crate::backend::stats::{BalloonStats, BlockStats, HostCpuTimes, NetStats};
use crate::backend::DomainState;

const NS: u64 = 1_000_000_000;

fn rec(uuid: &str, cpu_s: f64, vcpus: u32, disk: u64, net: u64) -> DomainStats {
    DomainStats {
        uuid: uuid.into(),
        state: Some(DomainState::Running),
        cpu_time_ns: Some((cpu_s * NS as f64) as u64),
        vcpu_current: Some(vcpus),
        vcpu_maximum: Some(vcpus.max(4)),
        balloon: BalloonStats {
            current_kib: Some(1024 * 1024),
            maximum_kib: Some(1024 * 1024),
            available_kib: Some(1_000_000),
            unused_kib: Some(600_000),
            usable_kib: Some(650_000),
            rss_kib: Some(500_000),
        },
        block_count: Some(1),
        block: vec![BlockStats {
            name: Some("vda".into()),
            rd_bytes: Some(disk),
            wr_bytes: Some(disk / 2),
        }],
        net_count: Some(1),
        net: vec![NetStats {
            name: Some("vnet0".into()),
            rx_bytes: Some(net),
            tx_bytes: Some(net),
        }],
        ..DomainStats::default()
    }
}

fn host(busy_s: u64, idle_s: u64) -> HostStats {
    HostStats {
        cpus: Some(4),
        cpu: HostCpuTimes {
            kernel_ns: Some(0),
            user_ns: Some(busy_s * NS),
            idle_ns: Some(idle_s * NS),
            iowait_ns: Some(0),
            utilization_pct: None,
        },
        memory_total_kib: Some(8 << 20),
        memory_free_kib: Some(6 << 20),
        ..HostStats::default()
    }
}

fn all_points_finite(p: &StatsPipeline) -> bool {
    p.domains().all(|(_, h)| {
        Metric::ALL
            .iter()
            .all(|&m| h.series(m).iter().flatten().all(f32::is_finite))
    }) && p.host().cpu_pct().iter().flatten().all(f32::is_finite)
}

#[test]
fn first_tick_has_values_but_no_rates() {
    let mut p = StatsPipeline::new();
    p.ingest(0.0, Some(&host(0, 0)), &[rec("a", 1.0, 2, 0, 0)]);
    let s = p.latest("a").unwrap();
    assert_eq!(s.state, Some(DomainState::Running));
    assert_eq!((s.cpu_guest_pct, s.cpu_host_pct), (None, None));
    assert_eq!((s.disk_bps(), s.net_bps()), (None, None));
    assert_eq!(s.memory_used_kib, Some(400_000));
    assert_eq!(p.series("a", Metric::CpuGuest).unwrap().len(), 1);
    assert_eq!(p.series("a", Metric::CpuGuest).unwrap().latest(), None);
    assert_eq!(p.host().latest().cpu_pct, None);
}

#[test]
fn second_tick_gives_rates() {
    let mut p = StatsPipeline::new();
    p.ingest(10.0, Some(&host(0, 0)), &[rec("a", 1.0, 2, 0, 0)]);
    p.ingest(12.0, Some(&host(2, 6)), &[rec("a", 3.0, 2, 4096, 1000)]);
    let s = p.latest("a").unwrap();
    // 2 CPU-seconds in 2 s: one of two vCPUs, one of four host CPUs.
    assert_eq!(s.cpu_guest_pct, Some(50.0));
    assert_eq!(s.cpu_host_pct, Some(25.0));
    assert_eq!(s.disk_read_bps, Some(2048.0));
    assert_eq!(s.disk_write_bps, Some(1024.0));
    assert_eq!(s.net_bps(), Some(1000.0));
    assert_eq!(
        p.series("a", Metric::CpuGuest).unwrap().latest(),
        Some(50.0)
    );
    assert_eq!(p.host().latest().cpu_pct, Some(25.0));
    assert_eq!(p.host().latest().memory_used_kib, Some(2 << 20));
}

#[test]
fn guest_restart_resets_counters_without_a_spike() {
    let mut p = StatsPipeline::new();
    p.ingest(0.0, None, &[rec("a", 500.0, 1, 1 << 30, 1 << 30)]);
    p.ingest(1.0, None, &[rec("a", 0.2, 1, 4096, 10)]);
    let s = *p.latest("a").unwrap();
    assert_eq!(s.cpu_guest_pct, None);
    assert_eq!(s.disk_bps(), None);
    assert_eq!(s.net_bps(), None);
    // The tick after the reset has rates again, from the new baseline.
    p.ingest(2.0, None, &[rec("a", 0.7, 1, 8192, 20)]);
    let s = p.latest("a").unwrap();
    assert_eq!(s.cpu_guest_pct, Some(50.0));
    assert_eq!(s.disk_read_bps, Some(4096.0));
    assert!(all_points_finite(&p));
}

#[test]
fn vcpu_hotplug_is_divided_by_the_larger_count_once() {
    let mut p = StatsPipeline::new();
    p.ingest(0.0, Some(&host(0, 0)), &[rec("a", 0.0, 1, 0, 0)]);
    p.ingest(1.0, Some(&host(1, 1)), &[rec("a", 2.0, 4, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, Some(50.0));
    assert_eq!(p.latest("a").unwrap().vcpus, Some(4));
    p.ingest(2.0, Some(&host(2, 2)), &[rec("a", 4.0, 4, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, Some(50.0));
}

#[test]
fn bad_time_deltas_give_gaps() {
    let mut p = StatsPipeline::new();
    p.ingest(5.0, None, &[rec("a", 0.0, 1, 0, 0)]);
    p.ingest(5.0, None, &[rec("a", 1.0, 1, 10, 10)]); // same instant
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, None);
    p.ingest(4.0, None, &[rec("a", 2.0, 1, 20, 20)]); // clock went back
    assert_eq!(p.latest("a").unwrap().disk_bps(), None);
    p.ingest(f64::NAN, None, &[rec("a", 3.0, 1, 30, 30)]);
    assert_eq!(p.latest("a").unwrap().net_bps(), None);
    assert!(all_points_finite(&p));
}

#[test]
fn missing_fields_stay_none() {
    // What the test driver sends: state only.
    let bare = DomainStats {
        uuid: "t".into(),
        state: Some(DomainState::Running),
        ..DomainStats::default()
    };
    let mut p = StatsPipeline::new();
    p.ingest(0.0, None, std::slice::from_ref(&bare));
    p.ingest(1.0, None, std::slice::from_ref(&bare));
    let s = p.latest("t").unwrap();
    assert_eq!(s.state, Some(DomainState::Running));
    assert_eq!(
        *s,
        DomainSample {
            state: s.state,
            ..DomainSample::default()
        }
    );
    for m in Metric::ALL {
        let series = p.series("t", m).unwrap();
        assert_eq!(series.len(), 2);
        assert!(series.iter().all(|v| v.is_none()), "{m:?}");
    }
}

#[test]
fn vanished_domains_are_dropped_and_new_ones_start_fresh() {
    let mut p = StatsPipeline::new();
    p.ingest(0.0, None, &[rec("a", 0.0, 1, 0, 0), rec("b", 0.0, 1, 0, 0)]);
    p.ingest(1.0, None, &[rec("b", 1.0, 1, 0, 0)]);
    assert_eq!(p.len(), 1);
    assert!(p.domain("a").is_none());
    // "a" comes back (restarted): a new history, no rate against its old counters.
    p.ingest(2.0, None, &[rec("a", 9.0, 1, 0, 0), rec("b", 2.0, 1, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, None);
    assert_eq!(p.series("a", Metric::CpuGuest).unwrap().len(), 1);
    assert_eq!(p.latest("b").unwrap().cpu_guest_pct, Some(100.0));
    p.ingest(3.0, None, &[]);
    assert!(p.is_empty());
}

#[test]
fn host_gaps_and_capacity() {
    let mut p = StatsPipeline::with_capacity(3);
    p.ingest(0.0, Some(&host(0, 0)), &[]);
    p.ingest(1.0, None, &[]);
    assert_eq!(p.host().latest().cpus, None);
    p.ingest(2.0, Some(&host(1, 3)), &[]);
    // The baseline survived the skipped tick: 1 busy of 4 CPU-seconds.
    assert_eq!(p.host().latest().cpu_pct, Some(25.0));
    p.ingest(3.0, Some(&host(2, 6)), &[]);
    assert_eq!(p.host().cpu_pct().len(), 3);
    assert_eq!(p.host().memory_used_kib().capacity(), 3);
    p.clear();
    assert!(p.host().cpu_pct().is_empty());
}

#[test]
fn guest_host_share_survives_a_tick_without_host_stats() {
    let mut p = StatsPipeline::new();
    p.ingest(0.0, Some(&host(0, 0)), &[rec("a", 0.0, 1, 0, 0)]);
    p.ingest(1.0, None, &[rec("a", 1.0, 1, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_host_pct, Some(25.0));
}

#[test]
fn pipeline_and_records_can_move_to_a_worker_thread() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<StatsPipeline>();
    send_sync::<DomainStats>();
    send_sync::<HostStats>();
}

#[test]
fn ingest_reports_only_domains_whose_views_change() {
    // State-only records (the test driver): new once, then nothing to redraw.
    let bare = |uuid: &str, state| DomainStats {
        uuid: uuid.into(),
        state: Some(state),
        ..DomainStats::default()
    };
    let mut p = StatsPipeline::with_capacity(3);
    let recs = [bare("t", DomainState::Running), rec("q", 0.0, 1, 0, 0)];
    assert_eq!(p.ingest(0.0, None, &recs), vec![0, 1]);
    for t in 1..6 {
        // "q" has counters: its graphs move every tick.
        let recs = [
            bare("t", DomainState::Running),
            rec("q", f64::from(t) / 2.0, 1, 0, 0),
        ];
        assert_eq!(p.ingest(f64::from(t), None, &recs), vec![1]);
    }
    // The gap ticks still count: the series are full of gaps, not shorter.
    assert_eq!(p.series("t", Metric::CpuGuest).unwrap().len(), 3);
    // A state change is a change.
    let paused = [bare("t", DomainState::Paused)];
    assert_eq!(p.ingest(6.0, None, &paused), vec![0]);
    assert_eq!(p.ingest(7.0, None, &paused), Vec::<usize>::new());
    assert_eq!(p.len(), 1);
    // A new domain is news even when its record says nothing at all.
    let nothing = DomainStats {
        uuid: "n".into(),
        ..DomainStats::default()
    };
    assert_eq!(p.ingest(8.0, None, &[paused[0].clone(), nothing]), vec![1]);

    // A guest whose counters stop (e.g. every metric switched off) changes until its last
    // value has scrolled out of the series, then no more.
    let mut p = StatsPipeline::with_capacity(2);
    p.ingest(0.0, None, &[rec("q", 0.0, 1, 0, 0)]);
    p.ingest(1.0, None, &[rec("q", 1.0, 1, 0, 0)]);
    let off = [bare("q", DomainState::Running)];
    assert_eq!(p.ingest(2.0, None, &off), vec![0]); // the sample lost its values
    assert_eq!(p.ingest(3.0, None, &off), vec![0]); // the last value scrolls out
    assert_eq!(p.ingest(4.0, None, &off), Vec::<usize>::new());
    assert!(p
        .series("q", Metric::CpuGuest)
        .unwrap()
        .iter()
        .all(|v| v.is_none()));
}

#[test]
fn a_paused_stretch_shows_as_gaps_and_no_rate_spans_it() {
    let mut p = StatsPipeline::with_capacity(10);
    p.ingest(0.0, Some(&host(0, 0)), &[rec("a", 0.0, 1, 0, 0)]);
    p.ingest(1.0, Some(&host(1, 3)), &[rec("a", 0.5, 1, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, Some(50.0));
    // Paused for 4 ticks; the guest burnt 60 CPU-seconds meanwhile.
    p.skip(4);
    let cpu = p.series("a", Metric::CpuGuest).unwrap();
    assert_eq!(cpu.len(), 6);
    assert_eq!(cpu.iter().rev().take(4).flatten().count(), 0);
    assert_eq!(p.host().cpu_pct().len(), 6);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, None);
    // The first tick after the pause has no baseline: a gap, not the pause's average.
    p.ingest(6.0, Some(&host(3, 9)), &[rec("a", 60.5, 1, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, None);
    assert_eq!(p.host().latest().cpu_pct, None);
    p.ingest(7.0, Some(&host(4, 12)), &[rec("a", 60.75, 1, 0, 0)]);
    assert_eq!(p.latest("a").unwrap().cpu_guest_pct, Some(25.0));
    assert_eq!(p.host().latest().cpu_pct, Some(25.0));
    // A pause longer than the history leaves only gaps, and no more than it holds.
    p.skip(1000);
    assert_eq!(p.series("a", Metric::CpuGuest).unwrap().len(), 10);
    assert!(!p.series("a", Metric::CpuGuest).unwrap().has_values());
}
