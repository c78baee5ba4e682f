// SPDX-License-Identifier: GPL-3.0-or-later
//! Sizes with units, as libvirt writes them (`<memory unit='GiB'>4</memory>`) and as people
//! type them ("4 GiB", "512M", "1.5 GiB"): pure functions, no XML. libvirt's rules: the unit
//! is case-insensitive; `b`/`byte`/`bytes`; `K`/`KiB` … `E`/`EiB` are powers of 1024, `KB`
//! … `EB` powers of 1000; a missing unit means KiB for memory; the number is an unsigned
//! integer and the scaled value must fit 64 bits.

use std::fmt;

/// A unit of size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Bytes,
    KB,
    KiB,
    MB,
    MiB,
    GB,
    GiB,
    TB,
    TiB,
    PB,
    PiB,
    EB,
    EiB,
}

/// Why a size was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    #[error("no size given")]
    Empty,
    #[error("“{0}” is not a number")]
    NotANumber(String),
    #[error("“{0}” is not a unit (use KiB, MiB, GiB, TiB, or bytes)")]
    UnknownUnit(String),
    #[error("{0} is too large")]
    Overflow(String),
    #[error("{0} is not a whole number of bytes")]
    Fraction(String),
}

const ALL: [Unit; 13] = [
    Unit::Bytes,
    Unit::KB,
    Unit::KiB,
    Unit::MB,
    Unit::MiB,
    Unit::GB,
    Unit::GiB,
    Unit::TB,
    Unit::TiB,
    Unit::PB,
    Unit::PiB,
    Unit::EB,
    Unit::EiB,
];

impl Unit {
    /// Parses a unit as libvirt does (case-insensitive; `k` alone means KiB).
    pub fn parse(s: &str) -> Result<Unit, UnitError> {
        let lower = s.trim().to_ascii_lowercase();
        if matches!(lower.as_str(), "b" | "byte" | "bytes") {
            return Ok(Unit::Bytes);
        }
        let mut chars = lower.chars();
        let power = chars.next().and_then(|c| "kmgtpe".find(c));
        let binary = match chars.as_str() {
            "" | "ib" => Some(true),
            "b" => Some(false),
            _ => None,
        };
        match (power, binary) {
            (Some(p), Some(bin)) => Ok(ALL[1 + 2 * p + usize::from(bin)]),
            _ => Err(UnitError::UnknownUnit(s.trim().to_owned())),
        }
    }

    /// The spelling libvirt writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Bytes => "bytes",
            Unit::KB => "KB",
            Unit::KiB => "KiB",
            Unit::MB => "MB",
            Unit::MiB => "MiB",
            Unit::GB => "GB",
            Unit::GiB => "GiB",
            Unit::TB => "TB",
            Unit::TiB => "TiB",
            Unit::PB => "PB",
            Unit::PiB => "PiB",
            Unit::EB => "EB",
            Unit::EiB => "EiB",
        }
    }

    /// Bytes in one of this unit.
    pub fn bytes(self) -> u64 {
        let i = ALL.iter().position(|&u| u == self).unwrap_or(0);
        if i == 0 {
            return 1;
        }
        let (base, power): (u64, u32) = if i % 2 == 0 {
            (1024, i as u32 / 2)
        } else {
            (1000, i as u32 / 2 + 1)
        };
        base.pow(power)
    }

    fn is_binary(self) -> bool {
        self.as_str().ends_with("iB")
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A size as written: a whole number and its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub value: u64,
    pub unit: Unit,
}

impl Size {
    pub fn new(value: u64, unit: Unit) -> Self {
        Size { value, unit }
    }

    /// `value` KiB.
    pub fn kib(value: u64) -> Self {
        Size::new(value, Unit::KiB)
    }

    /// The size in bytes, refused if it does not fit 64 bits.
    pub fn to_bytes(self) -> Result<u64, UnitError> {
        self.value
            .checked_mul(self.unit.bytes())
            .ok_or_else(|| UnitError::Overflow(self.to_string()))
    }

    /// The size in KiB, rounded up as libvirt does.
    pub fn to_kib(self) -> Result<u64, UnitError> {
        Ok(self.to_bytes()?.div_ceil(1024))
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit)
    }
}

fn whole_number(s: &str) -> Result<u64, UnitError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(UnitError::Empty);
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UnitError::NotANumber(s.to_owned()));
    }
    s.parse().map_err(|_| UnitError::Overflow(s.to_owned()))
}

/// A size as found in XML: element text `value` and attribute `unit` (absent: `default`).
pub fn parse_xml_size(value: &str, unit: Option<&str>, default: Unit) -> Result<Size, UnitError> {
    let unit = unit.map_or(Ok(default), Unit::parse)?;
    let size = Size::new(whole_number(value)?, unit);
    size.to_bytes()?;
    Ok(size)
}

/// A size typed by a person: a number (decimals allowed) and an optional unit, with or
/// without a space: `"4 GiB"`, `"512M"`, `"1.5 GiB"`, `"2048"` (then in `default`). A
/// fraction is turned into a whole number of the largest unit of the same kind that
/// holds it exactly (`1.5 GiB` → `1536 MiB`).
pub fn parse_size(input: &str, default: Unit) -> Result<Size, UnitError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(UnitError::Empty);
    }
    let is_num = |c: char| c.is_ascii_digit() || c == '.';
    let (number, unit) = match input.split_once(char::is_whitespace) {
        Some((n, u)) => (n, u.trim()),
        None => {
            let split = input.find(|c| !is_num(c)).unwrap_or(input.len());
            let (n, u) = input.split_at(split);
            // "1a2": letters inside the number, not a unit.
            if u.chars().any(|c| c.is_ascii_digit()) {
                return Err(UnitError::NotANumber(input.to_owned()));
            }
            (n, u)
        }
    };
    if number.is_empty() {
        return Err(UnitError::NotANumber(input.to_owned()));
    }
    let dots = number.matches('.').count();
    if !number.chars().all(is_num) || dots > 1 || number == "." {
        return Err(UnitError::NotANumber(number.to_owned()));
    }
    if unit.contains(char::is_whitespace) {
        return Err(UnitError::UnknownUnit(unit.to_owned()));
    }
    let unit = if unit.is_empty() {
        default
    } else {
        Unit::parse(unit)?
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if frac.is_empty() {
        let size = Size::new(whole_number(int)?, unit);
        size.to_bytes()?;
        return Ok(size);
    }
    // Exact arithmetic: digits × unit / 10^decimals must be a whole number of bytes.
    let too_large = || UnitError::Overflow(input.to_owned());
    let digits: u128 = format!("{int}{frac}").parse().map_err(|_| too_large())?;
    let scale = 10u128
        .checked_pow(frac.len() as u32)
        .ok_or_else(too_large)?;
    let bytes = digits
        .checked_mul(u128::from(unit.bytes()))
        .ok_or_else(too_large)?;
    if bytes % scale != 0 {
        return Err(UnitError::Fraction(input.to_owned()));
    }
    let bytes = u64::try_from(bytes / scale).map_err(|_| too_large())?;
    let best = ALL
        .iter()
        .rev()
        .copied()
        .filter(|u| *u == Unit::Bytes || u.is_binary() == unit.is_binary())
        .find(|u| u.bytes() <= unit.bytes() && bytes % u.bytes() == 0)
        .unwrap_or(Unit::Bytes);
    Ok(Size::new(bytes / best.bytes(), best))
}

/// A KiB amount for people: the largest binary unit with a value of at least 1, up to two
/// decimals (`1572864` → `"1.5 GiB"`).
pub fn format_kib(kib: u64) -> String {
    let units = [
        Unit::KiB,
        Unit::MiB,
        Unit::GiB,
        Unit::TiB,
        Unit::PiB,
        Unit::EiB,
    ];
    let mut value = kib as f64;
    let mut unit = Unit::KiB;
    for next in &units[1..] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = *next;
    }
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_parse_like_libvirt() {
        assert_eq!(Unit::parse("KiB"), Ok(Unit::KiB));
        assert_eq!(Unit::parse("k"), Ok(Unit::KiB));
        assert_eq!(Unit::parse("kb"), Ok(Unit::KB));
        assert_eq!(Unit::parse("G"), Ok(Unit::GiB));
        assert_eq!(Unit::parse("gib"), Ok(Unit::GiB));
        assert_eq!(Unit::parse("EB"), Ok(Unit::EB));
        assert_eq!(Unit::parse("bytes"), Ok(Unit::Bytes));
        assert_eq!(Unit::parse("b"), Ok(Unit::Bytes));
        assert!(matches!(Unit::parse("x"), Err(UnitError::UnknownUnit(_))));
        assert!(Unit::parse("GiBs").is_err());
        assert!(Unit::parse("").is_err());
    }

    #[test]
    fn unit_sizes() {
        assert_eq!(Unit::Bytes.bytes(), 1);
        assert_eq!(Unit::KB.bytes(), 1000);
        assert_eq!(Unit::KiB.bytes(), 1024);
        assert_eq!(Unit::MB.bytes(), 1_000_000);
        assert_eq!(Unit::GiB.bytes(), 1 << 30);
        assert_eq!(Unit::EiB.bytes(), 1 << 60);
        assert_eq!(Unit::EB.bytes(), 1_000_000_000_000_000_000);
    }

    #[test]
    fn xml_sizes() {
        assert_eq!(
            parse_xml_size("4", Some("GiB"), Unit::KiB)
                .unwrap()
                .to_kib(),
            Ok(4 << 20)
        );
        assert_eq!(
            parse_xml_size(" 2048 ", None, Unit::KiB).unwrap().to_kib(),
            Ok(2048)
        );
        assert_eq!(
            parse_xml_size("1000", Some("bytes"), Unit::KiB)
                .unwrap()
                .to_kib(),
            Ok(1)
        );
        assert_eq!(
            parse_xml_size("1a2", None, Unit::KiB),
            Err(UnitError::NotANumber("1a2".into()))
        );
        assert_eq!(
            parse_xml_size("-1", None, Unit::KiB),
            Err(UnitError::NotANumber("-1".into()))
        );
        assert_eq!(parse_xml_size("", None, Unit::KiB), Err(UnitError::Empty));
        assert!(matches!(
            parse_xml_size("99999999999999999999", None, Unit::KiB),
            Err(UnitError::Overflow(_))
        ));
        assert!(matches!(
            parse_xml_size("16", Some("EiB"), Unit::KiB),
            Err(UnitError::Overflow(_))
        ));
    }

    #[test]
    fn human_sizes() {
        assert_eq!(parse_size("4 GiB", Unit::MiB), Ok(Size::new(4, Unit::GiB)));
        assert_eq!(parse_size("512M", Unit::MiB), Ok(Size::new(512, Unit::MiB)));
        assert_eq!(
            parse_size("2048", Unit::MiB),
            Ok(Size::new(2048, Unit::MiB))
        );
        assert_eq!(
            parse_size("1.5 GiB", Unit::MiB),
            Ok(Size::new(1536, Unit::MiB))
        );
        assert_eq!(
            parse_size("1.5GB", Unit::MiB),
            Ok(Size::new(1500, Unit::MB))
        );
        assert_eq!(
            parse_size("0.5 KiB", Unit::MiB),
            Ok(Size::new(512, Unit::Bytes))
        );
        assert_eq!(
            parse_size("12x GiB", Unit::MiB),
            Err(UnitError::NotANumber("12x".into()))
        );
        assert_eq!(
            parse_size("1a2", Unit::MiB),
            Err(UnitError::NotANumber("1a2".into()))
        );
        assert_eq!(
            parse_size("abc", Unit::MiB),
            Err(UnitError::NotANumber("abc".into()))
        );
        assert_eq!(
            parse_size("12 parsecs", Unit::MiB),
            Err(UnitError::UnknownUnit("parsecs".into()))
        );
        assert_eq!(
            parse_size("1.2.3 GiB", Unit::MiB),
            Err(UnitError::NotANumber("1.2.3".into()))
        );
        assert!(matches!(
            parse_size("0.1 bytes", Unit::MiB),
            Err(UnitError::Fraction(_))
        ));
        assert!(matches!(
            parse_size("20 EiB", Unit::MiB),
            Err(UnitError::Overflow(_))
        ));
        assert_eq!(parse_size("  ", Unit::MiB), Err(UnitError::Empty));
    }

    #[test]
    fn error_messages_read_well() {
        let e = parse_size("12x GiB", Unit::MiB).unwrap_err();
        assert_eq!(e.to_string(), "“12x” is not a number");
    }

    #[test]
    fn formatting() {
        assert_eq!(format_kib(512), "512 KiB");
        assert_eq!(format_kib(2048), "2 MiB");
        assert_eq!(format_kib(1_572_864), "1.5 GiB");
        assert_eq!(Size::new(4, Unit::GiB).to_string(), "4 GiB");
    }
}
