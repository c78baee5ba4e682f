// SPDX-License-Identifier: GPL-3.0-or-later
//! Reading libvirt typed parameters (`virTypedParameter`) into [`DomainStats`]. No libvirt
//! calls here, only memory libvirt handed us: field names are matched as bytes, values are
//! read by their declared type, and anything unexpected (unknown field, wrong type, negative
//! counter, absurd device index) is skipped rather than trusted.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

use virt::sys;

use super::{BlockStats, DomainStats, NetStats};
use crate::backend::domain::DomainState;

/// Device indexes above this are treated as corrupt (no guest has that many disks or NICs),
/// so a bogus index cannot make us allocate a huge vector.
const MAX_DEVICES: usize = 4096;

/// The text of a fixed-size C char buffer, up to its first NUL (or its end, if libvirt ever
/// filled it completely). `None` if it is not UTF-8.
pub(super) fn c_text(buf: &[c_char]) -> Option<&str> {
    // SAFETY: c_char and u8 have the same size and alignment; the length is unchanged.
    let bytes: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), buf.len()) };
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..end]).ok()
}

/// A record's parameter array as a slice (empty for a null pointer or a non-positive count).
///
/// # Safety
/// `params` must point to `n` initialised parameters that outlive the returned slice.
pub(super) unsafe fn slice<'a>(
    params: *const sys::virTypedParameter,
    n: c_int,
) -> &'a [sys::virTypedParameter] {
    match usize::try_from(n) {
        Ok(n) if n > 0 && !params.is_null() => std::slice::from_raw_parts(params, n),
        _ => &[],
    }
}

/// A parameter's value as an unsigned counter, whatever integer type the driver chose.
fn as_u64(p: &sys::virTypedParameter) -> Option<u64> {
    // SAFETY: the union member read is the one `type_` declares.
    unsafe {
        match p.type_ as sys::virTypedParameterType {
            sys::VIR_TYPED_PARAM_UINT => Some(u64::from(p.value.ui)),
            sys::VIR_TYPED_PARAM_ULLONG => Some(p.value.ul),
            sys::VIR_TYPED_PARAM_INT => u64::try_from(p.value.i).ok(),
            sys::VIR_TYPED_PARAM_LLONG => u64::try_from(p.value.l).ok(),
            sys::VIR_TYPED_PARAM_DOUBLE => {
                let d = p.value.d;
                // `as` saturates; the range check keeps out what saturation would distort.
                (d.is_finite() && (0.0..1.8e19).contains(&d)).then_some(d as u64)
            }
            _ => None,
        }
    }
}

fn as_u32(p: &sys::virTypedParameter) -> Option<u32> {
    as_u64(p).and_then(|v| u32::try_from(v).ok())
}

/// A string parameter's text (lossy UTF-8); `None` for other types or a null pointer.
///
/// # Safety
/// A string parameter's pointer must be null or a valid C string.
unsafe fn as_string(p: &sys::virTypedParameter) -> Option<String> {
    if p.type_ as sys::virTypedParameterType != sys::VIR_TYPED_PARAM_STRING {
        return None;
    }
    let s = p.value.s;
    (!s.is_null()).then(|| CStr::from_ptr(s).to_string_lossy().into_owned())
}

/// Splits "N.rest" into (N, rest).
fn split_index(s: &str) -> Option<(usize, &str)> {
    let (idx, rest) = s.split_once('.')?;
    let idx: usize = idx.parse().ok()?;
    (idx < MAX_DEVICES).then_some((idx, rest))
}

/// The entry for device `idx`, growing the vector as needed (indexes may arrive in any order).
fn slot<T: Default>(v: &mut Vec<T>, idx: usize) -> &mut T {
    if v.len() <= idx {
        v.resize_with(idx + 1, T::default);
    }
    &mut v[idx]
}

/// Parses one record's parameters. The UUID is left empty (it comes from the domain object).
///
/// # Safety
/// String-typed parameters must hold null or valid C strings.
pub(super) unsafe fn parse(params: &[sys::virTypedParameter]) -> DomainStats {
    let mut s = DomainStats::default();
    for p in params {
        let Some(name) = c_text(&p.field) else {
            continue;
        };
        match name {
            "state.state" => {
                s.state = as_u64(p)
                    .and_then(|v| c_int::try_from(v).ok())
                    .map(DomainState::from_raw)
            }
            "cpu.time" => s.cpu_time_ns = as_u64(p),
            "cpu.user" => s.cpu_user_ns = as_u64(p),
            "cpu.system" => s.cpu_system_ns = as_u64(p),
            "vcpu.current" => s.vcpu_current = as_u32(p),
            "vcpu.maximum" => s.vcpu_maximum = as_u32(p),
            "balloon.current" => s.balloon.current_kib = as_u64(p),
            "balloon.maximum" => s.balloon.maximum_kib = as_u64(p),
            "balloon.available" => s.balloon.available_kib = as_u64(p),
            "balloon.unused" => s.balloon.unused_kib = as_u64(p),
            "balloon.usable" => s.balloon.usable_kib = as_u64(p),
            "balloon.rss" => s.balloon.rss_kib = as_u64(p),
            "block.count" => s.block_count = as_u32(p),
            "net.count" => s.net_count = as_u32(p),
            _ => {
                if let Some((i, field)) = name.strip_prefix("block.").and_then(split_index) {
                    block_field(slot(&mut s.block, i), field, p);
                } else if let Some((i, field)) = name.strip_prefix("net.").and_then(split_index) {
                    net_field(slot(&mut s.net, i), field, p);
                }
            }
        }
    }
    s
}

unsafe fn block_field(b: &mut BlockStats, field: &str, p: &sys::virTypedParameter) {
    match field {
        "name" => b.name = as_string(p),
        "rd.bytes" => b.rd_bytes = as_u64(p),
        "wr.bytes" => b.wr_bytes = as_u64(p),
        _ => {}
    }
}

unsafe fn net_field(n: &mut NetStats, field: &str, p: &sys::virTypedParameter) {
    match field {
        "name" => n.name = as_string(p),
        "rx.bytes" => n.rx_bytes = as_u64(p),
        "tx.bytes" => n.tx_bytes = as_u64(p),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;

    fn param(
        name: &str,
        type_: u32,
        value: sys::_virTypedParameterValue,
    ) -> sys::virTypedParameter {
        let mut field = [0 as c_char; 80];
        for (d, s) in field.iter_mut().zip(name.bytes().take(79)) {
            *d = s as c_char;
        }
        sys::virTypedParameter {
            field,
            type_: type_ as c_int,
            value,
        }
    }
    fn ull(name: &str, v: u64) -> sys::virTypedParameter {
        param(
            name,
            sys::VIR_TYPED_PARAM_ULLONG,
            sys::_virTypedParameterValue { ul: v },
        )
    }
    fn int(name: &str, v: i32) -> sys::virTypedParameter {
        param(
            name,
            sys::VIR_TYPED_PARAM_INT,
            sys::_virTypedParameterValue { i: v },
        )
    }
    fn uint(name: &str, v: u32) -> sys::virTypedParameter {
        param(
            name,
            sys::VIR_TYPED_PARAM_UINT,
            sys::_virTypedParameterValue { ui: v },
        )
    }
    fn string(name: &str, v: &CString) -> sys::virTypedParameter {
        let s = v.as_ptr() as *mut c_char;
        param(
            name,
            sys::VIR_TYPED_PARAM_STRING,
            sys::_virTypedParameterValue { s },
        )
    }

    #[test]
    fn parses_a_qemu_shaped_record() {
        let vda = CString::new("vda").unwrap();
        let vnet = CString::new("vnet0").unwrap();
        let ps = vec![
            int("state.state", 1),
            int("state.reason", 1),
            ull("cpu.time", 5_000_000_000),
            ull("cpu.user", 3_000_000_000),
            ull("cpu.system", 1_000_000_000),
            uint("vcpu.current", 2),
            uint("vcpu.maximum", 4),
            ull("balloon.current", 262_144),
            ull("balloon.maximum", 262_144),
            ull("balloon.rss", 200_000),
            uint("block.count", 1),
            string("block.0.name", &vda),
            ull("block.0.rd.bytes", 1000),
            ull("block.0.wr.bytes", 2000),
            uint("net.count", 1),
            string("net.0.name", &vnet),
            ull("net.0.rx.bytes", 10),
            ull("net.0.tx.bytes", 20),
        ];
        let s = unsafe { parse(&ps) };
        assert_eq!(s.state, Some(DomainState::Running));
        assert_eq!(s.cpu_time_ns, Some(5_000_000_000));
        assert_eq!((s.vcpu_current, s.vcpu_maximum), (Some(2), Some(4)));
        assert_eq!(s.balloon.rss_kib, Some(200_000));
        assert_eq!(s.balloon.unused_kib, None);
        assert_eq!(s.block_count, Some(1));
        assert_eq!(s.block[0].name.as_deref(), Some("vda"));
        assert_eq!(
            (s.block[0].rd_bytes, s.block[0].wr_bytes),
            (Some(1000), Some(2000))
        );
        assert_eq!(s.net[0].name.as_deref(), Some("vnet0"));
        assert_eq!((s.net[0].rx_bytes, s.net[0].tx_bytes), (Some(10), Some(20)));
    }

    #[test]
    fn odd_input_is_skipped_not_trusted() {
        let ps = vec![
            int("cpu.time", -5), // negative counter
            param("vcpu.current", 99, sys::_virTypedParameterValue { ul: 1 }), // unknown type
            param(
                "block.0.name",
                sys::VIR_TYPED_PARAM_STRING,
                sys::_virTypedParameterValue {
                    s: std::ptr::null_mut(),
                },
            ),
            ull("block.999999999.rd.bytes", 1), // absurd index
            ull("net.x.rx.bytes", 1),           // not an index
            ull("net.2.tx.bytes", 7),           // out of order, no count
            param(
                "balloon.rss",
                sys::VIR_TYPED_PARAM_DOUBLE,
                sys::_virTypedParameterValue { d: f64::NAN },
            ),
        ];
        let s = unsafe { parse(&ps) };
        assert_eq!(s.cpu_time_ns, None);
        assert_eq!(s.vcpu_current, None);
        assert_eq!(s.block.len(), 1);
        assert_eq!(s.block[0], BlockStats::default());
        assert_eq!(s.net.len(), 3);
        assert_eq!(s.net[2].tx_bytes, Some(7));
        assert_eq!(s.balloon.rss_kib, None);
        assert_eq!(
            unsafe { parse(slice(std::ptr::null(), 5)) },
            DomainStats::default()
        );
    }

    #[test]
    fn unterminated_field_names_stay_in_bounds() {
        let buf = [b'a' as c_char; 80];
        assert_eq!(c_text(&buf).map(str::len), Some(80));
    }
}
