// SPDX-License-Identifier: GPL-3.0-or-later
//! Start-up timing for the benchmarks (`VIREO_BENCH=1`): milliseconds since `main` began.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`.
pub fn mark_start() {
    let _ = START.set(Instant::now());
}

pub fn since_start_ms() -> f64 {
    START
        .get()
        .map(|s| s.elapsed().as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}
