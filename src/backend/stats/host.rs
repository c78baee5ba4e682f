// SPDX-License-Identifier: GPL-3.0-or-later
//! The host's own counters for a connection's overview graphs: cumulative CPU time over all
//! host CPUs (`virNodeGetCPUStats`), memory (`virNodeGetMemoryStats`, falling back to
//! `virNodeGetInfo` + `virNodeGetFreeMemory` where a driver lacks it) and the CPU count
//! that turns a guest's CPU time into a share of the host.

use std::os::raw::c_int;
use std::ptr;

use virt::connect::Connect;
use virt::sys;

use super::params::c_text;
use crate::backend::error::{last_error, BackendError, ErrorKind, Result};

/// Cumulative host CPU time over all CPUs, in nanoseconds, as the driver names it (Linux:
/// kernel, user, idle, iowait). Some drivers report only an instant `utilization` in %.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostCpuTimes {
    pub kernel_ns: Option<u64>,
    pub user_ns: Option<u64>,
    pub idle_ns: Option<u64>,
    pub iowait_ns: Option<u64>,
    pub utilization_pct: Option<u64>,
}

/// One reading of the host. Missing values are `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostStats {
    /// Active host CPUs (`virNodeInfo.cpus`).
    pub cpus: Option<u32>,
    pub cpu: HostCpuTimes,
    pub memory_total_kib: Option<u64>,
    pub memory_free_kib: Option<u64>,
    /// Page cache and buffers (Linux), which `free` does not count as used.
    pub memory_buffers_kib: Option<u64>,
    pub memory_cached_kib: Option<u64>,
}

/// Reads the host's counters. A lost connection is an error (the worker reconnects); a
/// driver that lacks one of the calls only leaves those fields `None`.
pub fn host_stats(conn: &Connect) -> Result<HostStats> {
    let info = conn.node_info().map_err(BackendError::from)?;
    let mut h = HostStats {
        cpus: (info.cpus > 0).then_some(info.cpus),
        memory_total_kib: (info.memory > 0).then_some(info.memory),
        ..HostStats::default()
    };

    let zero = sys::virNodeCPUStats {
        field: [0; 80],
        value: 0,
    };
    let cpu = optional(read_node_params(zero, |buf, n| {
        // SAFETY: buf is null (count query) or has room for *n entries.
        unsafe {
            sys::virNodeGetCPUStats(conn.as_ptr(), sys::VIR_NODE_CPU_STATS_ALL_CPUS, buf, n, 0)
        }
    }))?;
    for e in &cpu {
        let v = Some(e.value);
        match c_text(&e.field) {
            Some("kernel") => h.cpu.kernel_ns = v,
            Some("user") => h.cpu.user_ns = v,
            Some("idle") => h.cpu.idle_ns = v,
            Some("iowait") => h.cpu.iowait_ns = v,
            Some("utilization") => h.cpu.utilization_pct = v,
            _ => {}
        }
    }

    let zero = sys::virNodeMemoryStats {
        field: [0; 80],
        value: 0,
    };
    let mem = optional(read_node_params(zero, |buf, n| {
        // SAFETY: as above.
        unsafe {
            sys::virNodeGetMemoryStats(
                conn.as_ptr(),
                sys::VIR_NODE_MEMORY_STATS_ALL_CELLS,
                buf,
                n,
                0,
            )
        }
    }))?;
    for e in &mem {
        let v = Some(e.value);
        match c_text(&e.field) {
            Some("total") => h.memory_total_kib = v,
            Some("free") => h.memory_free_kib = v,
            Some("buffers") => h.memory_buffers_kib = v,
            Some("cached") => h.memory_cached_kib = v,
            _ => {}
        }
    }
    if h.memory_free_kib.is_none() {
        // virNodeGetFreeMemory answers in bytes; 0 means failure.
        match conn.free_memory() {
            Ok(bytes) => h.memory_free_kib = Some(bytes / 1024),
            Err(e) => tolerate(BackendError::from(e))?,
        }
    }
    Ok(h)
}

/// Turns "this driver cannot" into an empty answer, keeping a lost connection an error.
fn optional<T>(r: Result<Vec<T>>) -> Result<Vec<T>> {
    match r {
        Ok(v) => Ok(v),
        Err(e) => tolerate(e).map(|()| Vec::new()),
    }
}

/// A lost connection stays an error; anything else (unsupported call) is only logged.
fn tolerate(e: BackendError) -> Result<()> {
    if e.kind == ErrorKind::ConnectionLost {
        return Err(e);
    }
    log::debug!("host stats: {e}");
    Ok(())
}

/// libvirt's two-step "ask the count, then fill the array" protocol for node parameters.
fn read_node_params<T: Copy>(
    zero: T,
    call: impl Fn(*mut T, *mut c_int) -> c_int,
) -> Result<Vec<T>> {
    let mut n: c_int = 0;
    if call(ptr::null_mut(), &mut n) < 0 {
        return Err(last_error());
    }
    let Ok(len) = usize::try_from(n) else {
        return Ok(Vec::new());
    };
    if len == 0 {
        return Ok(Vec::new());
    }
    let mut buf = vec![zero; len];
    if call(buf.as_mut_ptr(), &mut n) < 0 {
        return Err(last_error());
    }
    // libvirt may fill fewer entries than it announced, never more than we allowed.
    buf.truncate(usize::try_from(n).unwrap_or(0).min(len));
    Ok(buf)
}
