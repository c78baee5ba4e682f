// SPDX-License-Identifier: GPL-3.0-or-later
//! Field access shared by the device views (and the domain submodules): an attribute of
//! the element itself or of one named child, an on/off child element (`<readonly/>`), a
//! `yes`/`no` attribute, a number, a `<boot order='N'/>`. Every setter validates before it
//! touches the tree, so a refused value changes nothing; clearing an attribute also removes
//! a child element that is left with nothing in it.

use std::borrow::Cow;
use std::str::FromStr;

use crate::xml::escape::forbidden_char;
use crate::xml::field::{check_plain, parse_num};
use crate::xml::{Document, NodeId, XmlError};

/// How strictly a string value is checked before it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// A libvirt keyword or identifier: not empty, no whitespace.
    Token,
    /// Free text (a path, a serial number): not empty, only characters XML can carry.
    Text,
}

/// Validates `value` for `field` under `check`.
pub fn check(field: &str, value: &str, check: Check) -> Result<(), XmlError> {
    match check {
        Check::Token => check_plain(field, value, &[' ', '\t', '\n', '\r']),
        Check::Text => check_plain(field, value, &[]),
    }
}

/// The element at `child` below `el` (`""`: `el` itself).
pub fn child(doc: &Document, el: NodeId, child: &str) -> Option<NodeId> {
    if child.is_empty() {
        doc.is_element(el).then_some(el)
    } else {
        doc.first_element(el, child)
    }
}

/// Attribute `attr` of `el`'s child `name` (`""`: of `el`).
pub fn attr_of<'a>(doc: &'a Document, el: NodeId, name: &str, attr: &str) -> Option<Cow<'a, str>> {
    doc.attr(child(doc, el, name)?, attr)
}

/// Sets (or with `None` removes) attribute `attr` of `el`'s child `name` (`""`: of `el`),
/// creating the child at its place in `order`. A child left without attributes or
/// content by a removal is removed too.
#[allow(clippy::too_many_arguments)]
pub fn set_attr_of(
    doc: &mut Document,
    el: NodeId,
    name: &str,
    order: &[&str],
    attr: &str,
    value: Option<&str>,
    how: Check,
) -> Result<(), XmlError> {
    if !doc.is_element(el) {
        return Err(XmlError::InvalidNode("not an element of this document"));
    }
    let field = if name.is_empty() {
        format!("@{attr}")
    } else {
        format!("{name}/@{attr}")
    };
    match value {
        Some(v) => {
            check(&field, v, how)?;
            let target = match name {
                "" => el,
                _ => doc.ensure_element(el, name, order)?,
            };
            doc.set_attr(target, attr, v)
        }
        None => {
            let Some(target) = child(doc, el, name) else {
                return Ok(());
            };
            doc.remove_attr(target, attr);
            if target != el && is_empty(doc, target) {
                doc.remove(target)?;
            }
            Ok(())
        }
    }
}

/// Whether `el` has no attributes, no child elements and no text.
pub fn is_empty(doc: &Document, el: NodeId) -> bool {
    doc.attrs(el).next().is_none()
        && doc.elements(el).next().is_none()
        && doc.text(el).is_none_or(|t| t.trim().is_empty())
}

/// Whether `el` has a child element `name` (flags such as `<readonly/>`).
pub fn flag(doc: &Document, el: NodeId, name: &str) -> bool {
    doc.first_element(el, name).is_some()
}

/// Adds or removes the flag element `name` of `el`.
pub fn set_flag(
    doc: &mut Document,
    el: NodeId,
    name: &str,
    on: bool,
    order: &[&str],
) -> Result<(), XmlError> {
    match (on, doc.first_element(el, name)) {
        (true, None) => doc.ensure_element(el, name, order).map(|_| ()),
        (false, Some(c)) => doc.remove(c),
        _ => Ok(()),
    }
}

/// Parses libvirt's `yes`/`no` (also `on`/`off`).
pub fn parse_bool(field: &str, raw: &str) -> Result<bool, XmlError> {
    match raw.trim() {
        "yes" | "on" => Ok(true),
        "no" | "off" => Ok(false),
        _ => Err(XmlError::invalid(field, raw, "is not “yes” or “no”")),
    }
}

/// A `yes`/`no` attribute of `el`'s child `name`.
pub fn bool_of(
    doc: &Document,
    el: NodeId,
    name: &str,
    attr: &str,
) -> Result<Option<bool>, XmlError> {
    attr_of(doc, el, name, attr)
        .map(|raw| parse_bool(attr, &raw))
        .transpose()
}

/// `yes` or `no`.
pub fn yes_no(on: bool) -> &'static str {
    if on {
        "yes"
    } else {
        "no"
    }
}

/// A numeric attribute of `el`'s child `name`; decimal, or hexadecimal with `0x`.
pub fn num_of<T: FromStr + TryFrom<u64>>(
    doc: &Document,
    el: NodeId,
    name: &str,
    attr: &str,
) -> Result<Option<T>, XmlError> {
    let Some(raw) = attr_of(doc, el, name, attr) else {
        return Ok(None);
    };
    let field = if name.is_empty() {
        format!("@{attr}")
    } else {
        format!("{name}/@{attr}")
    };
    let t = raw.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16)
            .ok()
            .and_then(|v| T::try_from(v).ok())
            .map(Some)
            .ok_or_else(|| XmlError::invalid(&field, &raw, "is not a valid number")),
        None => parse_num(&field, t).map(Some),
    }
}

/// `<boot order='N'/>` of a device.
pub fn boot_order(doc: &Document, el: NodeId) -> Result<Option<u32>, XmlError> {
    num_of(doc, el, "boot", "order")
}

/// Sets or removes `<boot order='N'/>` (N from 1; libvirt refuses this together with
/// `<os><boot dev=…/>`).
pub fn set_boot_order(
    doc: &mut Document,
    el: NodeId,
    order: Option<u32>,
    child_order: &[&str],
) -> Result<(), XmlError> {
    if order == Some(0) {
        return Err(XmlError::invalid("boot/@order", "0", "must be 1 or more"));
    }
    let v = order.map(|o| o.to_string());
    set_attr_of(
        doc,
        el,
        "boot",
        child_order,
        "order",
        v.as_deref(),
        Check::Token,
    )
}

/// Sets the text of `el` (refusing what XML cannot carry before touching anything).
pub fn set_text_checked(doc: &mut Document, el: NodeId, value: &str) -> Result<(), XmlError> {
    if let Some(c) = forbidden_char(value) {
        return Err(XmlError::InvalidChar(c));
    }
    doc.set_text(el, value)
}

/// Declares getter/setter pairs for string attributes of a device handle (`self.0` is the
/// element): `get, set: "child" @ "attr", ORDER, Check`; child `""` is the element itself.
macro_rules! attr_fields {
    ($($(#[$m:meta])* $get:ident, $set:ident: $child:literal @ $attr:literal, $order:expr, $check:ident;)*) => {
        $(
            $(#[$m])*
            pub fn $get(self, doc: &$crate::xml::Document) -> Option<std::borrow::Cow<'_, str>> {
                $crate::xml::devices::access::attr_of(doc, self.0, $child, $attr)
            }
            #[doc = concat!("Sets (`None`: removes) `", $child, "/@", $attr, "`.")]
            pub fn $set(
                self,
                doc: &mut $crate::xml::Document,
                value: Option<&str>,
            ) -> Result<(), $crate::xml::XmlError> {
                $crate::xml::devices::access::set_attr_of(
                    doc, self.0, $child, $order, $attr, value,
                    $crate::xml::devices::access::Check::$check,
                )
            }
        )*
    };
}
pub(crate) use attr_fields;
