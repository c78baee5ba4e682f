// SPDX-License-Identifier: GPL-3.0-or-later
//! Typed views of libvirt's storage documents: [`StoragePool`] (`<pool>`, `virsh
//! pool-dumpxml`) in `pool`, [`StorageVolume`] (`<volume>`, `virsh vol-dumpxml`) in
//! `volume`. Both follow the pattern of [`Domain`](super::Domain): getters read the lossless
//! document, setters validate first and create missing elements in libvirt's order.
//!
//! What they share lives here: sizes (`<capacity unit='bytes'>`; storage sizes without a
//! unit are bytes, unlike domain memory) and the `<target>` path and `<permissions>`
//! (octal mode, numeric owner and group, label).

mod pool;
mod volume;

use std::borrow::Cow;

pub use pool::{StoragePool, POOL_ORDER, POOL_SOURCE_ORDER};
pub use volume::{StorageVolume, BACKING_STORE_ORDER, VOLUME_ORDER, VOLUME_TARGET_ORDER};

use super::field::{child_text, opt_num, set_child_text, size_of};
use super::units::{Size, Unit};
use super::{Document, NodeId, XmlError};
use crate::xml::devices::access::{self, Check};

/// libvirt's order of the children of `<permissions>`.
pub const PERMISSIONS_ORDER: &[&str] = &["mode", "owner", "group", "label"];

/// The `<permissions>` of a pool's or volume's target. `None` fields are absent (or `-1`,
/// libvirt's "not set" for owner and group).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permissions {
    /// The mode bits (written in octal, `0755`).
    pub mode: Option<u32>,
    pub owner: Option<u32>,
    pub group: Option<u32>,
    /// The security label (SELinux context).
    pub label: Option<String>,
}

/// Which `<permissions>` field a setter writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionField {
    Mode,
    Owner,
    Group,
}

/// A size child `name` of `el`, as written (no unit: bytes).
fn size_at(doc: &Document, el: NodeId, name: &str) -> Result<Option<Size>, XmlError> {
    match doc.first_element(el, name) {
        Some(c) => size_of(doc, c, name, Unit::Bytes).map(Some),
        None => Ok(None),
    }
}

/// `size` converted with `f`, with the field named in the error.
fn convert(
    name: &str,
    size: Option<Size>,
    f: fn(Size) -> Result<u64, super::UnitError>,
) -> Result<Option<u64>, XmlError> {
    size.map(|s| f(s).map_err(|e| XmlError::invalid(name, &s.to_string(), e.to_string())))
        .transpose()
}

/// Sets size child `name` of `el` (created in `order`), in the unit given.
fn set_size_at(
    doc: &mut Document,
    el: NodeId,
    name: &str,
    size: Size,
    order: &[&str],
) -> Result<(), XmlError> {
    size.to_bytes()?;
    let c = doc.ensure_element(el, name, order)?;
    super::field::set_size(doc, c, size)
}

/// The path of `el`'s `<target>`.
fn target_path<'a>(doc: &'a Document, el: NodeId) -> Option<Cow<'a, str>> {
    child_text(doc, doc.first_element(el, "target")?, "path").map(|p| match p {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
        Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
    })
}

/// Sets (`None`: removes) `<target><path>` of `el`; `orders` are of `el`'s and target's
/// children.
fn set_target_path(
    doc: &mut Document,
    el: NodeId,
    path: Option<&str>,
    orders: (&[&str], &[&str]),
) -> Result<(), XmlError> {
    let target = match path {
        Some(p) => {
            access::check("target/path", p, Check::Text)?;
            doc.ensure_element(el, "target", orders.0)?
        }
        None => match doc.first_element(el, "target") {
            Some(t) => t,
            None => return Ok(()),
        },
    };
    set_child_text(doc, target, "path", path, orders.1)
}

/// The `<permissions>` of `el` (a `<target>` or `<backingStore>`).
fn permissions(doc: &Document, el: Option<NodeId>) -> Result<Option<Permissions>, XmlError> {
    let Some(p) = el.and_then(|e| doc.first_element(e, "permissions")) else {
        return Ok(None);
    };
    let id = |name: &str| -> Result<Option<u32>, XmlError> {
        match child_text(doc, p, name) {
            Some(v) if v.trim() == "-1" => Ok(None),
            v => opt_num(&format!("permissions/{name}"), v),
        }
    };
    let mode = match child_text(doc, p, "mode") {
        Some(m) => Some(
            u32::from_str_radix(m.trim(), 8)
                .map_err(|_| XmlError::invalid("permissions/mode", &m, "is not an octal mode"))?,
        ),
        None => None,
    };
    Ok(Some(Permissions {
        mode,
        owner: id("owner")?,
        group: id("group")?,
        label: child_text(doc, p, "label").map(|l| l.trim().to_owned()),
    }))
}

/// Sets (`None`: removes) one permission of `el`'s `<target>`, creating target and
/// permissions in `orders` (of `el`'s and target's children). A `<permissions>` left
/// empty is removed.
fn set_permission(
    doc: &mut Document,
    el: NodeId,
    field: PermissionField,
    value: Option<u32>,
    orders: (&[&str], &[&str]),
) -> Result<(), XmlError> {
    let (name, text) = match field {
        PermissionField::Mode => {
            if let Some(m) = value.filter(|&m| m > 0o7777) {
                let reason = "is more than 07777";
                return Err(XmlError::invalid(
                    "permissions/mode",
                    &format!("{m:o}"),
                    reason,
                ));
            }
            ("mode", value.map(|m| format!("{m:04o}")))
        }
        PermissionField::Owner => ("owner", value.map(|v| v.to_string())),
        PermissionField::Group => ("group", value.map(|v| v.to_string())),
    };
    let perms = match &text {
        Some(_) => {
            let target = doc.ensure_element(el, "target", orders.0)?;
            doc.ensure_element(target, "permissions", orders.1)?
        }
        None => match doc.find(el, "target/permissions") {
            Some(p) => p,
            None => return Ok(()),
        },
    };
    set_child_text(doc, perms, name, text.as_deref(), PERMISSIONS_ORDER)?;
    if access::is_empty(doc, perms) {
        doc.remove(perms)?;
    }
    Ok(())
}
