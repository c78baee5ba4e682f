// SPDX-License-Identifier: GPL-3.0-or-later
//! Unit tests of the rate maths: first sample, counter reset, vCPU change, bad time deltas,
//! missing fields, device hot-plug, host CPU and memory.

use super::*;

const GIB_NS: u64 = 1_000_000_000;

fn disk(name: &str, rd: u64, wr: u64) -> BlockStats {
    BlockStats {
        name: Some(name.into()),
        rd_bytes: Some(rd),
        wr_bytes: Some(wr),
    }
}

#[test]
fn first_sample_has_no_rate() {
    assert_eq!(counter_rate(None, Some(10), 1.0), None);
    assert_eq!(
        cpu_percent(None, Some(GIB_NS), 1.0, Some(1), Some(2)),
        CpuPercent::default()
    );
}

#[test]
fn counter_rate_is_delta_over_time() {
    assert_eq!(counter_rate(Some(100), Some(300), 2.0), Some(100.0));
    assert_eq!(counter_rate(Some(5), Some(5), 1.0), Some(0.0));
}

#[test]
fn counter_reset_gives_no_rate_not_a_spike() {
    assert_eq!(counter_rate(Some(1_000_000), Some(10), 1.0), None);
    let c = cpu_percent(Some(50 * GIB_NS), Some(GIB_NS / 10), 1.0, Some(2), Some(4));
    assert_eq!(c, CpuPercent::default());
}

#[test]
fn zero_negative_or_nonfinite_time_delta_gives_no_rate() {
    for dt in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(counter_rate(Some(1), Some(2), dt), None, "dt {dt}");
        assert_eq!(
            io_rates(&[disk("vda", 0, 0)], &[disk("vda", 1, 1)], dt),
            (None, None)
        );
        let c = cpu_percent(Some(0), Some(GIB_NS), dt, Some(1), Some(1));
        assert_eq!(c, CpuPercent::default());
    }
}

#[test]
fn cpu_percent_of_guest_and_host() {
    // 1 s of CPU time in 2 s wall: half a CPU busy.
    let c = cpu_percent(Some(GIB_NS), Some(2 * GIB_NS), 2.0, Some(1), Some(4));
    assert_eq!(c.guest, Some(50.0));
    assert_eq!(c.host, Some(12.5));
    // Two vCPUs, both busy for the whole second.
    let c = cpu_percent(Some(0), Some(2 * GIB_NS), 1.0, Some(2), Some(2));
    assert_eq!((c.guest, c.host), (Some(100.0), Some(100.0)));
}

#[test]
fn cpu_percent_is_clamped() {
    // Emulator threads on top of a busy vCPU, or a stale tiny dt: never above 100.
    let c = cpu_percent(Some(0), Some(3 * GIB_NS), 1.0, Some(1), Some(2));
    assert_eq!((c.guest, c.host), (Some(100.0), Some(100.0)));
}

#[test]
fn missing_vcpus_or_host_cpus_leave_that_share_out() {
    let c = cpu_percent(Some(0), Some(GIB_NS), 1.0, None, Some(2));
    assert_eq!((c.guest, c.host), (None, Some(50.0)));
    let c = cpu_percent(Some(0), Some(GIB_NS), 1.0, Some(0), None);
    assert_eq!(c, CpuPercent::default());
}

#[test]
fn vcpu_hotplug_divides_by_the_larger_count() {
    assert_eq!(effective_vcpus(Some(1), Some(4)), Some(4));
    assert_eq!(effective_vcpus(Some(4), Some(1)), Some(4));
    assert_eq!(effective_vcpus(None, Some(2)), Some(2));
    assert_eq!(effective_vcpus(Some(2), None), None);
    assert_eq!(effective_vcpus(Some(0), Some(0)), None);
    // Unplugged from 4 to 1 while 4 were busy: 4 CPU-s in 1 s is 100 % of 4, not 400 % of 1.
    let n = effective_vcpus(Some(4), Some(1));
    assert_eq!(
        cpu_percent(Some(0), Some(4 * GIB_NS), 1.0, n, None).guest,
        Some(100.0)
    );
}

#[test]
fn memory_in_use_prefers_the_guest_view() {
    let mut b = BalloonStats {
        current_kib: Some(1000),
        rss_kib: Some(800),
        available_kib: Some(900),
        unused_kib: Some(600),
        ..BalloonStats::default()
    };
    assert_eq!(memory_used_kib(&b), Some(300));
    b.unused_kib = None; // no balloon driver in the guest
    assert_eq!(memory_used_kib(&b), Some(800));
    b.rss_kib = None;
    assert_eq!(memory_used_kib(&b), Some(1000));
    b.unused_kib = Some(5000); // inconsistent: fall back
    assert_eq!(memory_used_kib(&b), Some(1000));
    assert_eq!(memory_used_kib(&BalloonStats::default()), None);
    assert_eq!(percent_of(Some(250), Some(1000)), Some(25.0));
    assert_eq!(percent_of(Some(2000), Some(1000)), Some(100.0));
    assert_eq!(percent_of(Some(1), Some(0)), None);
    assert_eq!(percent_of(None, Some(10)), None);
}

#[test]
fn io_rates_sum_devices() {
    let prev = [disk("vda", 0, 1000), disk("sda", 500, 0)];
    let cur = [disk("vda", 2048, 3000), disk("sda", 1500, 0)];
    assert_eq!(io_rates(&prev, &cur, 2.0), (Some(1524.0), Some(1000.0)));
}

#[test]
fn io_reset_on_one_device_drops_that_direction_for_one_tick() {
    let prev = [disk("vda", 5000, 1000), disk("vdb", 0, 0)];
    let cur = [disk("vda", 10, 2000), disk("vdb", 100, 100)];
    assert_eq!(io_rates(&prev, &cur, 1.0), (None, Some(1100.0)));
}

#[test]
fn io_devices_pair_by_name_across_hotplug() {
    // vdb was unplugged and vdc plugged: vda moved index; vdc has no baseline yet.
    let prev = [disk("vdb", 0, 0), disk("vda", 100, 100)];
    let cur = [disk("vda", 300, 100), disk("vdc", 9_999_999, 0)];
    assert_eq!(io_rates(&prev, &cur, 1.0), (Some(200.0), Some(0.0)));
}

#[test]
fn io_missing_counters_and_empty_sets() {
    let cdrom = BlockStats {
        name: Some("sda".into()),
        ..BlockStats::default()
    };
    let prev = [disk("vda", 0, 0), cdrom.clone()];
    let cur = [disk("vda", 10, 20), cdrom];
    assert_eq!(io_rates(&prev, &cur, 1.0), (Some(10.0), Some(20.0)));
    // Only unmatched devices: nothing to compare.
    assert_eq!(
        io_rates(&[disk("a", 0, 0)], &[disk("b", 1, 1)], 1.0),
        (None, None)
    );
    // A guest with no disks reads zero.
    let none: [BlockStats; 0] = [];
    assert_eq!(io_rates(&none, &none, 1.0), (Some(0.0), Some(0.0)));
}

#[test]
fn net_counters_work_the_same() {
    let nic = |rx, tx| NetStats {
        name: Some("vnet0".into()),
        rx_bytes: Some(rx),
        tx_bytes: Some(tx),
    };
    assert_eq!(
        io_rates(&[nic(0, 0)], &[nic(10, 30)], 0.5),
        (Some(20.0), Some(60.0))
    );
}

#[test]
fn host_cpu_from_time_deltas() {
    let t = |k, u, i, w| HostCpuTimes {
        kernel_ns: Some(k),
        user_ns: Some(u),
        idle_ns: Some(i),
        iowait_ns: w,
        utilization_pct: None,
    };
    let a = t(100, 100, 800, Some(0));
    let b = t(150, 200, 1000, Some(50));
    // busy +150 of total +400.
    assert_eq!(host_cpu_percent(&a, &b), Some(37.5));
    assert_eq!(
        host_cpu_percent(&a, &t(150, 200, 1000, None)),
        Some(150.0 / 350.0 * 100.0)
    );
    assert_eq!(host_cpu_percent(&a, &a), None); // no time passed
    assert_eq!(host_cpu_percent(&b, &a), None); // reset
    assert_eq!(host_cpu_percent(&HostCpuTimes::default(), &a), None);
    let util = HostCpuTimes {
        utilization_pct: Some(42),
        ..HostCpuTimes::default()
    };
    assert_eq!(
        host_cpu_percent(&HostCpuTimes::default(), &util),
        Some(42.0)
    );
}

#[test]
fn host_memory_used_like_free() {
    let mut h = HostStats {
        memory_total_kib: Some(1000),
        memory_free_kib: Some(400),
        memory_buffers_kib: Some(50),
        memory_cached_kib: Some(150),
        ..HostStats::default()
    };
    assert_eq!(host_memory_used_kib(&h), Some(400));
    h.memory_buffers_kib = None;
    h.memory_cached_kib = None;
    assert_eq!(host_memory_used_kib(&h), Some(600));
    h.memory_free_kib = Some(2000);
    assert_eq!(host_memory_used_kib(&h), None);
    assert_eq!(host_memory_used_kib(&HostStats::default()), None);
}
