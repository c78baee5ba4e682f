// SPDX-License-Identifier: GPL-3.0-or-later
//! Building blocks of typed views: reading and writing one field (a child element's text,
//! an attribute, a size with a unit) of an element, with libvirt's canonical child order
//! for anything created. Every typed view (domain, and later each device class, network,
//! pool, volume) is a thin layer over these, so all of them handle absence, bad values and
//! creation the same way.

use std::borrow::Cow;
use std::str::FromStr;

use super::escape::forbidden_char;
use super::units::{parse_xml_size, Size, Unit};
use super::{Document, NodeId, XmlError};

/// The text of child `name` of `el`, if that child exists.
pub fn child_text<'a>(doc: &'a Document, el: NodeId, name: &str) -> Option<Cow<'a, str>> {
    doc.text(doc.first_element(el, name)?)
}

/// Sets the text of child `name` of `el`, creating the child at its place in `order` if
/// needed; `None` removes the child.
pub fn set_child_text(
    doc: &mut Document,
    el: NodeId,
    name: &str,
    value: Option<&str>,
    order: &[&str],
) -> Result<(), XmlError> {
    match value {
        Some(v) => {
            // Refuse before creating anything, so a failed set changes nothing.
            if let Some(c) = forbidden_char(v) {
                return Err(XmlError::InvalidChar(c));
            }
            let child = doc.ensure_element(el, name, order)?;
            doc.set_text(child, v)
        }
        None => match doc.first_element(el, name) {
            Some(child) => doc.remove(child),
            None => Ok(()),
        },
    }
}

/// Parses `raw` (read from `field`) as a number, naming the field in the error.
pub fn parse_num<T: FromStr>(field: &str, raw: &str) -> Result<T, XmlError> {
    raw.trim()
        .parse()
        .map_err(|_| XmlError::invalid(field, raw, "is not a valid whole number"))
}

/// An optional numeric field: `None` when absent, an error when present but not a number.
pub fn opt_num<T: FromStr>(field: &str, raw: Option<Cow<'_, str>>) -> Result<Option<T>, XmlError> {
    raw.map(|r| parse_num(field, &r)).transpose()
}

/// The size held by element `el`: its text and `unit` attribute (absent: `default`).
pub fn size_of(doc: &Document, el: NodeId, field: &str, default: Unit) -> Result<Size, XmlError> {
    let value = doc.text(el).unwrap_or_default();
    let unit = doc.attr(el, "unit");
    parse_xml_size(&value, unit.as_deref(), default).map_err(|e| {
        let shown = match &unit {
            Some(u) => format!("{} {u}", value.trim()),
            None => value.trim().to_owned(),
        };
        XmlError::invalid(field, &shown, e.to_string())
    })
}

/// Writes `size` into element `el` as text and `unit` attribute (kept in place if present).
pub fn set_size(doc: &mut Document, el: NodeId, size: Size) -> Result<(), XmlError> {
    size.to_bytes()?;
    doc.set_attr(el, "unit", size.unit.as_str())?;
    doc.set_text(el, &size.value.to_string())
}

/// Refuses an empty value or one containing any of `forbidden`.
pub fn check_plain(field: &str, value: &str, forbidden: &[char]) -> Result<(), XmlError> {
    if value.trim().is_empty() {
        return Err(XmlError::invalid(field, value, "may not be empty"));
    }
    if let Some(c) = forbidden_char(value) {
        return Err(XmlError::InvalidChar(c));
    }
    if let Some(c) = value.chars().find(|c| forbidden.contains(c)) {
        let shown = if c == '\n' {
            "a line break".to_owned()
        } else {
            format!("“{c}”")
        };
        return Err(XmlError::invalid(
            field,
            value,
            format!("may not contain {shown}"),
        ));
    }
    Ok(())
}
