// SPDX-License-Identifier: GPL-3.0-or-later
//! Axis scaling and human-readable units for graphs and their accessible descriptions.
//!
//! An axis tops out at the first "nice" value at or above what is visible: 1-2-5 steps of
//! powers of ten for plain numbers, and 1-2-5 steps within each binary unit for bytes (so
//! the top label reads "2 MiB/s", never "1.91 MiB/s"). Byte quantities use IEC units
//! (KiB = 1024 B), as libvirt and GNOME's disk tools do. The strings are English-neutral
//! numerals; the UI translates its surrounding words.

const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/// What a graph label shows for a value that cannot be shown (gap, NaN, negative).
pub const UNKNOWN: &str = "—";

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v`; 1 for a non-positive or non-finite `v`.
pub fn nice_ceil(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let base = 10f64.powf(v.log10().floor());
    let m = v / base;
    // The tolerance absorbs division noise (0.2 / 0.1 = 2.0000000000000004).
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|s| m <= s * (1.0 + 1e-9))
        .unwrap_or(10.0);
    step * base
}

/// The axis maximum for a series whose visible maximum is `visible_max` (`None`: nothing
/// visible), never below `floor` (so an idle guest's graph is not scaled up to noise).
pub fn axis_max(visible_max: Option<f32>, floor: f64) -> f64 {
    let v = visible_max.map_or(0.0, f64::from);
    nice_ceil(v.max(floor))
}

/// The axis maximum for a byte quantity (bytes or bytes/s): 1, 2 or 5 × 10ⁿ of the largest
/// binary unit that fits, moving to the next unit instead of 1000 (1000 KiB → 1 MiB).
pub fn axis_max_bytes(visible_max: Option<f32>, floor: f64) -> f64 {
    let v = visible_max.map_or(0.0, f64::from).max(floor);
    if !(v.is_finite() && v >= 1.0) {
        return nice_ceil(v);
    }
    let mut unit = 1.0;
    for _ in 1..UNITS.len() {
        if v < unit * 1024.0 {
            break;
        }
        unit *= 1024.0;
    }
    let m = nice_ceil(v / unit);
    if m > 500.0 {
        unit * 1024.0
    } else {
        m * unit
    }
}

/// A number with one decimal below 10 (trailing ".0" dropped) and none from 10 up.
fn number(v: f64) -> String {
    if v < 9.95 {
        let s = format!("{v:.1}");
        s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
    } else {
        format!("{v:.0}")
    }
}

/// Bytes in IEC units: "512 B", "1.5 MiB", "12 GiB".
pub fn format_bytes(bytes: f64) -> String {
    if !(bytes.is_finite() && bytes >= 0.0) {
        return UNKNOWN.to_string();
    }
    let mut v = bytes;
    let mut i = 0;
    // Switch unit at the value that would print as 1024 (1023.6 B is "1 KiB").
    while i + 1 < UNITS.len() && v >= 1023.5 {
        v /= 1024.0;
        i += 1;
    }
    let unit = UNITS[i];
    if i == 0 {
        return format!("{v:.0} {unit}");
    }
    format!("{} {unit}", number(v))
}

/// A byte rate: "1.5 MiB/s".
pub fn format_bytes_per_sec(bytes_per_sec: f64) -> String {
    let s = format_bytes(bytes_per_sec);
    if s == UNKNOWN {
        s
    } else {
        s + "/s"
    }
}

/// A size given in KiB (libvirt's memory unit): "256 MiB".
pub fn format_kib(kib: f64) -> String {
    format_bytes(kib * 1024.0)
}

/// A percentage: "12 %", "0.5 %".
pub fn format_percent(pct: f64) -> String {
    if !(pct.is_finite() && pct >= 0.0) {
        return UNKNOWN.to_string();
    }
    format!("{} %", number(pct))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_two_five_steps() {
        let cases = [
            (0.3, 0.5),
            (0.2, 0.2),
            (1.0, 1.0),
            (1.01, 2.0),
            (2.0, 2.0),
            (3.0, 5.0),
            (7.0, 10.0),
            (10.0, 10.0),
            (12.0, 20.0),
            (99.0, 100.0),
            (101.0, 200.0),
            (4200.0, 5000.0),
        ];
        for (v, want) in cases {
            assert!(
                (nice_ceil(v) - want).abs() < 1e-9,
                "{v} -> {}",
                nice_ceil(v)
            );
        }
        for bad in [0.0, -3.0, f64::NAN, f64::INFINITY] {
            assert_eq!(nice_ceil(bad), 1.0);
        }
    }

    #[test]
    fn axis_respects_floor_and_gaps() {
        assert_eq!(axis_max(None, 10.0), 10.0);
        assert_eq!(axis_max(Some(3.0), 10.0), 10.0);
        assert_eq!(axis_max(Some(37.0), 10.0), 50.0);
        assert_eq!(axis_max(Some(100.0), 1.0), 100.0);
    }

    #[test]
    fn byte_axes_step_within_binary_units() {
        const K: f64 = 1024.0;
        let v = |x: f64| Some(x as f32);
        assert_eq!(axis_max_bytes(None, 1.0), 1.0);
        assert_eq!(axis_max_bytes(Some(700.0), 1.0), K); // 700 B → 1 KiB, not 1000 B
        assert_eq!(axis_max_bytes(Some(3.0 * 1024.0), 1.0), 5.0 * K);
        assert_eq!(axis_max_bytes(v(150.0 * K), 1.0), 200.0 * K);
        assert_eq!(axis_max_bytes(v(1.5 * K * K), 1.0), 2.0 * K * K);
        assert_eq!(axis_max_bytes(v(600.0 * K * K), 1.0), K * K * K);
        assert_eq!(axis_max_bytes(Some(10.0), 64.0 * K), 100.0 * K);
        assert_eq!(
            format_bytes_per_sec(axis_max_bytes(Some(1.9e6), 1.0)),
            "2 MiB/s"
        );
    }

    #[test]
    fn units_formatting() {
        assert_eq!(format_bytes_per_sec(1.5 * 1024.0 * 1024.0), "1.5 MiB/s");
        assert_eq!(format_bytes_per_sec(0.0), "0 B/s");
        assert_eq!(format_bytes_per_sec(512.0), "512 B/s");
        assert_eq!(format_bytes_per_sec(1023.6), "1 KiB/s");
        assert_eq!(format_bytes_per_sec(12.34 * 1024.0), "12 KiB/s");
        assert_eq!(format_bytes_per_sec(f64::NAN), UNKNOWN);
        assert_eq!(format_kib(262_144.0), "256 MiB");
        assert_eq!(format_kib(1.5 * 1024.0 * 1024.0), "1.5 GiB");
        assert_eq!(format_kib(-1.0), UNKNOWN);
        assert_eq!(format_percent(12.3), "12 %");
        assert_eq!(format_percent(0.0), "0 %");
        assert_eq!(format_percent(0.46), "0.5 %");
        assert_eq!(format_percent(9.97), "10 %");
        assert_eq!(format_percent(100.0), "100 %");
        assert_eq!(format_percent(f64::INFINITY), UNKNOWN);
    }
}
