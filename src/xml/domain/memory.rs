// SPDX-License-Identifier: GPL-3.0-or-later
//! Memory and vCPU details beyond the basic sizes: `<maxMemory slots=…>` (memory hotplug),
//! `<memoryBacking>` (hugepages, source type, access mode) and `<vcpu placement=…>`.

use std::borrow::Cow;

use super::{Domain, DOMAIN_ORDER};
use crate::xml::devices::access::{self, Check};
use crate::xml::field::{set_size, size_of};
use crate::xml::units::{Size, Unit};
use crate::xml::XmlError;

/// libvirt's order of the children of `<memoryBacking>`.
pub const MEMORY_BACKING_ORDER: &[&str] = &[
    "hugepages",
    "nosharepages",
    "locked",
    "source",
    "access",
    "allocation",
    "discard",
];

/// `<maxMemory slots='N' unit=…>size</maxMemory>`: the ceiling for hotplugged memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxMemory {
    pub size: Size,
    pub slots: u32,
}

impl Domain {
    /// `<maxMemory>`, if present.
    pub fn max_memory(&self) -> Result<Option<MaxMemory>, XmlError> {
        let Some(el) = self.doc.first_element(self.root(), "maxMemory") else {
            return Ok(None);
        };
        let size = size_of(&self.doc, el, "maxMemory", Unit::KiB)?;
        let slots = access::num_of(&self.doc, el, "", "slots")?.unwrap_or(0);
        Ok(Some(MaxMemory { size, slots }))
    }

    /// Sets (`None`: removes) `<maxMemory>`.
    pub fn set_max_memory(&mut self, max: Option<MaxMemory>) -> Result<(), XmlError> {
        let root = self.root();
        let Some(max) = max else {
            return match self.doc.first_element(root, "maxMemory") {
                Some(el) => self.doc.remove(el),
                None => Ok(()),
            };
        };
        if max.size.value == 0 {
            return Err(XmlError::invalid("maxMemory", "0", "must be more than 0"));
        }
        max.size.to_kib()?;
        let el = self.doc.ensure_element(root, "maxMemory", DOMAIN_ORDER)?;
        self.doc.set_attr(el, "slots", &max.slots.to_string())?;
        set_size(&mut self.doc, el, max.size)
    }

    fn backing(&self) -> Option<crate::xml::NodeId> {
        self.doc.first_element(self.root(), "memoryBacking")
    }

    /// `<memoryBacking>`, created where libvirt writes it.
    fn ensure_backing(&mut self) -> Result<crate::xml::NodeId, XmlError> {
        let root = self.root();
        self.doc.ensure_element(root, "memoryBacking", DOMAIN_ORDER)
    }

    /// Removes `<memoryBacking>` if an edit left it empty.
    fn tidy_backing(&mut self) -> Result<(), XmlError> {
        match self.backing() {
            Some(b) if access::is_empty(&self.doc, b) => self.doc.remove(b),
            _ => Ok(()),
        }
    }

    /// Whether guest memory is backed by huge pages (`<hugepages>`).
    pub fn hugepages(&self) -> bool {
        self.backing()
            .is_some_and(|b| access::flag(&self.doc, b, "hugepages"))
    }

    /// Adds `<hugepages/>` or removes it (with any page sizes it lists).
    pub fn set_hugepages(&mut self, on: bool) -> Result<(), XmlError> {
        if !on && self.backing().is_none() {
            return Ok(());
        }
        let b = self.ensure_backing()?;
        access::set_flag(&mut self.doc, b, "hugepages", on, MEMORY_BACKING_ORDER)?;
        self.tidy_backing()
    }

    fn backing_attr(&self, child: &str, attr: &str) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.backing()?, child, attr)
    }

    fn set_backing_attr(
        &mut self,
        child: &str,
        attr: &str,
        v: Option<&str>,
    ) -> Result<(), XmlError> {
        if let Some(v) = v {
            access::check(&format!("memoryBacking/{child}/@{attr}"), v, Check::Token)?;
        } else if self.backing().is_none() {
            return Ok(());
        }
        let b = self.ensure_backing()?;
        let order = MEMORY_BACKING_ORDER;
        access::set_attr_of(&mut self.doc, b, child, order, attr, v, Check::Token)?;
        self.tidy_backing()
    }

    /// `<memoryBacking><source type=…>`: `file`, `anonymous`, `memfd`.
    pub fn memory_source_type(&self) -> Option<Cow<'_, str>> {
        self.backing_attr("source", "type")
    }

    pub fn set_memory_source_type(&mut self, v: Option<&str>) -> Result<(), XmlError> {
        self.set_backing_attr("source", "type", v)
    }

    /// `<memoryBacking><access mode=…>`: `shared` (needed by virtiofs) or `private`.
    pub fn memory_access_mode(&self) -> Option<Cow<'_, str>> {
        self.backing_attr("access", "mode")
    }

    pub fn set_memory_access_mode(&mut self, v: Option<&str>) -> Result<(), XmlError> {
        self.set_backing_attr("access", "mode", v)
    }

    /// `<vcpu placement=…>`: `static` or `auto` (from numad).
    pub fn vcpu_placement(&self) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.root(), "vcpu", "placement")
    }

    /// Sets (`None`: removes) the placement of an existing `<vcpu>`.
    pub fn set_vcpu_placement(&mut self, v: Option<&str>) -> Result<(), XmlError> {
        let Some(el) = self.doc.first_element(self.root(), "vcpu") else {
            return Err(XmlError::InvalidNode("the domain has no <vcpu>"));
        };
        access::set_attr_of(&mut self.doc, el, "", &[], "placement", v, Check::Token)
    }
}
