// SPDX-License-Identifier: GPL-3.0-or-later
//! Character-level rules of XML as pure functions: which names and characters are legal,
//! checking references as written, unescaping raw text and attribute values for reading
//! (with XML's line-end and attribute-value normalisation), and escaping values we write.
//!
//! The document stores text and attribute values *raw*, exactly as written; these functions
//! are the only place that turns raw into meaning and back.

use std::borrow::Cow;

/// Whether `c` may appear in an XML 1.0 document at all.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
        || c == '_'
        || c == ':'
        || matches!(c, '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
            | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
            | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
            | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c)
        || c.is_ascii_digit()
        || matches!(c, '-' | '.' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `s` is an XML `Name` (element or attribute name, prefix included).
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(is_name_start) && chars.all(is_name_char)
}

/// The first character of `s` that XML forbids, if any.
pub fn forbidden_char(s: &str) -> Option<char> {
    s.chars().find(|&c| !is_xml_char(c))
}

/// Resolves the reference body between `&` and `;` (`amp`, `#60`, `#x3C`).
fn resolve(body: &str) -> Option<char> {
    match body {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => {
            let num = body.strip_prefix('#')?;
            let code = match num.strip_prefix('x') {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit()) => {
                    num.parse().ok()?
                }
                _ => return None,
            };
            char::from_u32(code).filter(|&c| is_xml_char(c))
        }
    }
}

/// Checks every `&…;` in raw text: returns the offending reference (as written, up to 32
/// bytes) and its byte offset if one is unknown, malformed or unterminated.
pub fn check_references(raw: &str) -> Result<(), (usize, String)> {
    let mut rest = raw;
    let mut base = 0;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let end = after.bytes().take(33).position(|b| b == b';');
        let ok = end.is_some_and(|e| resolve(&after[..e]).is_some());
        if !ok {
            let shown: String = rest[i..].chars().take(12).collect();
            return Err((base + i, shown));
        }
        let skip = i + 2 + end.unwrap_or(0);
        base += skip;
        rest = &rest[skip..];
    }
    Ok(())
}

/// Unescapes raw (already checked) text for reading: resolves references and turns `\r\n`
/// and lone `\r` into `\n`, as an XML processor must.
pub fn unescape_text(raw: &str) -> Cow<'_, str> {
    unescape(raw, false)
}

/// Unescapes a raw (already checked) attribute value: references resolved, and literal tab,
/// newline and carriage return normalised to a space (XML 1.0 §3.3.3).
pub fn unescape_attr(raw: &str) -> Cow<'_, str> {
    unescape(raw, true)
}

fn unescape(raw: &str, attr: bool) -> Cow<'_, str> {
    let special = |b: u8| b == b'&' || b == b'\r' || (attr && (b == b'\n' || b == b'\t'));
    if !raw.bytes().any(special) {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '&' => {
                let body_end = raw[i + 1..]
                    .bytes()
                    .take(33)
                    .position(|b| b == b';')
                    .map(|e| i + 1 + e);
                match body_end.and_then(|e| resolve(&raw[i + 1..e]).map(|r| (e, r))) {
                    Some((e, r)) => {
                        out.push(r);
                        while chars.peek().is_some_and(|&(j, _)| j <= e) {
                            chars.next();
                        }
                    }
                    // Unchecked input: keep what is there rather than guess.
                    None => out.push('&'),
                }
            }
            '\r' => {
                if chars.peek().is_some_and(|&(_, n)| n == '\n') {
                    chars.next();
                }
                out.push(if attr { ' ' } else { '\n' });
            }
            '\n' | '\t' if attr => out.push(' '),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escapes `value` as element text: `&`, `<`, `>` and carriage returns (which a reader
/// would otherwise turn into newlines).
pub fn escape_text(value: &str) -> Cow<'_, str> {
    escape(value, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '\r' => Some("&#13;"),
        _ => None,
    })
}

/// Escapes `value` for an attribute delimited by `quote` (`'` or `"`): markup characters,
/// the quote, and whitespace that attribute-value normalisation would otherwise flatten.
pub fn escape_attr(value: &str, quote: char) -> Cow<'_, str> {
    escape(value, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '\'' if quote == '\'' => Some("&apos;"),
        '"' if quote == '"' => Some("&quot;"),
        '\t' => Some("&#9;"),
        '\n' => Some("&#10;"),
        '\r' => Some("&#13;"),
        _ => None,
    })
}

fn escape(value: &str, map: impl Fn(char) -> Option<&'static str>) -> Cow<'_, str> {
    if !value.chars().any(|c| map(c).is_some()) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match map(c) {
            Some(rep) => out.push_str(rep),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(is_name("domain"));
        assert!(is_name("qemu:commandline"));
        assert!(is_name("_a-b.c9"));
        assert!(!is_name(""));
        assert!(!is_name("9a"));
        assert!(!is_name("-a"));
        assert!(!is_name("a b"));
        assert!(!is_name("a>"));
    }

    #[test]
    fn references_are_checked() {
        assert!(check_references("a &amp; b &#60; &#x3c; &lt;&gt;&apos;&quot;").is_ok());
        assert_eq!(check_references("x &foo; y"), Err((2, "&foo; y".into())));
        assert!(check_references("x & y").is_err());
        assert!(check_references("&#0;").is_err());
        assert!(check_references("&#xD800;").is_err());
        assert!(check_references("&#x;").is_err());
        assert!(check_references("&#99999999999;").is_err());
        assert!(check_references("&amp").is_err());
    }

    #[test]
    fn unescape_text_resolves_and_normalises_line_ends() {
        assert_eq!(unescape_text("plain"), Cow::Borrowed("plain"));
        assert_eq!(unescape_text("a&amp;b&#x41;&#66;"), "a&bAB");
        assert_eq!(unescape_text("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(unescape_text("&#13;"), "\r");
    }

    #[test]
    fn unescape_attr_normalises_whitespace() {
        assert_eq!(unescape_attr("a\tb\nc\r\nd"), "a b c d");
        assert_eq!(unescape_attr("&#10;&#9;&apos;"), "\n\t'");
    }

    #[test]
    fn escape_round_trips() {
        for v in ["a<b>&c'd\"e", "line\nnext\ttab\r", "", "plain"] {
            assert_eq!(unescape_text(&escape_text(v)), v);
            for q in ['\'', '"'] {
                let e = escape_attr(v, q);
                assert!(!e.contains(q));
                assert_eq!(unescape_attr(&e), v);
            }
        }
    }
}
