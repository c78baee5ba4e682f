// SPDX-License-Identifier: GPL-3.0-or-later
//! The stats pipeline's cost per tick for 1000 guests: records → rates → ring buffers,
//! without the libvirt call. Records are shaped like real QEMU domstats (2 vCPUs, balloon
//! with guest stats, a CD-ROM and a virtio disk, one NIC) and their counters grow between
//! ticks as a mixed load would. Target (issue 3): ≤ 1 ms per tick. A second case feeds
//! state-only records (libvirt's test driver), where nothing changes after the first tick.
//!
//! `cargo bench --no-default-features --bench stats_pipeline`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use vireo::backend::stats::{
    BalloonStats, BlockStats, DomainStats, HostCpuTimes, HostStats, NetStats,
};
use vireo::backend::DomainState;
use vireo::stats::StatsPipeline;

const GUESTS: usize = 1000;

/// A small deterministic generator, so every run measures the same load.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn record(i: usize) -> DomainStats {
    let disk = |name: &str| BlockStats {
        name: Some(name.to_string()),
        rd_bytes: Some(1 << 30),
        wr_bytes: Some(1 << 28),
    };
    DomainStats {
        uuid: format!("{:08x}-0000-4000-8000-{i:012x}", GUESTS),
        state: Some(DomainState::Running),
        cpu_time_ns: Some(3_600_000_000_000),
        cpu_user_ns: Some(2_000_000_000_000),
        cpu_system_ns: Some(900_000_000_000),
        vcpu_current: Some(2),
        vcpu_maximum: Some(2),
        balloon: BalloonStats {
            current_kib: Some(2 << 20),
            maximum_kib: Some(2 << 20),
            available_kib: Some(2_000_000),
            unused_kib: Some(1_200_000),
            usable_kib: Some(1_300_000),
            rss_kib: Some(1_800_000),
        },
        block_count: Some(2),
        block: vec![disk("sda"), disk("vda")],
        net_count: Some(1),
        net: vec![NetStats {
            name: Some(format!("vnet{i}")),
            rx_bytes: Some(5 << 30),
            tx_bytes: Some(1 << 30),
        }],
    }
}

/// Advances every counter by one second of a mixed load (idle to busy guests).
fn advance(recs: &mut [DomainStats], host: &mut HostStats, rng: &mut Lcg) {
    for r in recs.iter_mut() {
        let cpu = rng.below(2_000_000_000);
        r.cpu_time_ns = r.cpu_time_ns.map(|t| t + cpu);
        r.cpu_user_ns = r.cpu_user_ns.map(|t| t + cpu * 2 / 3);
        r.balloon.unused_kib = Some(1_000_000 + rng.below(400_000));
        for d in &mut r.block {
            d.rd_bytes = d.rd_bytes.map(|b| b + rng.below(4 << 20));
            d.wr_bytes = d.wr_bytes.map(|b| b + rng.below(1 << 20));
        }
        for n in &mut r.net {
            n.rx_bytes = n.rx_bytes.map(|b| b + rng.below(1 << 20));
            n.tx_bytes = n.tx_bytes.map(|b| b + rng.below(256 << 10));
        }
    }
    let c = &mut host.cpu;
    c.user_ns = c.user_ns.map(|t| t + 1_200_000_000);
    c.kernel_ns = c.kernel_ns.map(|t| t + 300_000_000);
    c.idle_ns = c.idle_ns.map(|t| t + 500_000_000);
}

fn bench(c: &mut Criterion) {
    let mut recs: Vec<DomainStats> = (0..GUESTS).map(record).collect();
    let mut host = HostStats {
        cpus: Some(2),
        cpu: HostCpuTimes {
            kernel_ns: Some(1 << 40),
            user_ns: Some(1 << 41),
            idle_ns: Some(1 << 42),
            iowait_ns: Some(1 << 30),
            utilization_pct: None,
        },
        memory_total_kib: Some(24 << 20),
        memory_free_kib: Some(12 << 20),
        memory_buffers_kib: Some(1 << 20),
        memory_cached_kib: Some(3 << 20),
    };
    let mut rng = Lcg(7);
    let mut pipeline = StatsPipeline::new();
    let mut t = 0.0;
    // Fill every ring buffer first: the steady state is the case that runs for hours.
    for _ in 0..pipeline.capacity() {
        advance(&mut recs, &mut host, &mut rng);
        t += 1.0;
        pipeline.ingest(t, Some(&host), &recs);
    }
    c.bench_function("ingest one tick, 1000 guests", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                advance(&mut recs, &mut host, &mut rng); // not timed: libvirt's side
                t += 1.0;
                let start = Instant::now();
                let changed = pipeline.ingest(black_box(t), Some(&host), black_box(&recs));
                spent += start.elapsed();
                // Every guest's counters moved: every guest's views need refreshing.
                assert_eq!(changed.len(), GUESTS);
            }
            spent
        })
    });
    assert_eq!(pipeline.len(), GUESTS);

    // What libvirt's test driver sends: state only, no counters. After the first tick
    // nothing a view shows changes, and the pipeline should find that out cheaply.
    let bare: Vec<DomainStats> = (0..GUESTS)
        .map(|i| DomainStats {
            uuid: record(i).uuid,
            state: Some(DomainState::Running),
            ..DomainStats::default()
        })
        .collect();
    let mut pipeline = StatsPipeline::new();
    let mut t = 0.0;
    pipeline.ingest(t, None, &bare);
    c.bench_function("ingest one tick, 1000 guests, state only", |b| {
        b.iter(|| {
            t += 1.0;
            let changed = pipeline.ingest(black_box(t), None, black_box(&bare));
            assert!(changed.is_empty());
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
