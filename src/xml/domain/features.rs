// SPDX-License-Identifier: GPL-3.0-or-later
//! `<features>` as a generic on/off list (acpi, apic, pae, smm, vmport, …) plus the
//! Hyper-V enlightenments under `<hyperv>`. Attributes a feature carries beyond its state
//! (`apic eoi=`, `spinlocks retries=`, the `<kvm>` and `<hyperv>` children) are kept.

use super::{Domain, DOMAIN_ORDER};
use crate::xml::devices::access::{self, Check};
use crate::xml::{NodeId, XmlError};

/// libvirt's order of the children of `<features>`.
pub const FEATURES_ORDER: &[&str] = &[
    "acpi",
    "apic",
    "pae",
    "hap",
    "viridian",
    "privnet",
    "hyperv",
    "kvm",
    "xen",
    "pvspinlock",
    "pmu",
    "vmport",
    "gic",
    "smm",
    "ioapic",
    "hpt",
    "vmcoreinfo",
    "htm",
    "nested-hv",
    "msrs",
    "ccf-assist",
    "cfpc",
    "sbbc",
    "ibs",
    "tcg",
    "async-teardown",
    "ras",
    "ps2",
    "aia",
];

/// Features that are on by being present and have no `state` attribute (some carry other
/// attributes or children instead): turning them off removes them.
const PRESENCE_ONLY: &[&str] = &[
    "acpi", "apic", "pae", "privnet", "viridian", "hyperv", "kvm", "xen", "gic", "ioapic", "hpt",
    "msrs", "tcg",
];

/// libvirt's order of the children of `<hyperv>`.
pub const HYPERV_ORDER: &[&str] = &[
    "relaxed",
    "vapic",
    "spinlocks",
    "vpindex",
    "runtime",
    "synic",
    "stimer",
    "reset",
    "vendor_id",
    "frequencies",
    "reenlightenment",
    "tlbflush",
    "ipi",
    "evmcs",
    "avic",
    "emsr_bitmap",
    "xmm_input",
];

/// Present without `state` is on; `state='on'|'off'` (or yes/no) otherwise.
fn state_of(doc: &crate::xml::Document, el: NodeId) -> Result<bool, XmlError> {
    match doc.attr(el, "state") {
        Some(s) => access::parse_bool("state", &s),
        None => Ok(true),
    }
}

impl Domain {
    fn features_el(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "features")
    }

    /// Every feature as (name, on), in document order.
    pub fn features(&self) -> Result<Vec<(String, bool)>, XmlError> {
        let Some(f) = self.features_el() else {
            return Ok(Vec::new());
        };
        (self.doc.elements(f))
            .filter_map(|c| Some((self.doc.name(c)?.to_owned(), c)))
            .map(|(n, c)| Ok((n, state_of(&self.doc, c)?)))
            .collect()
    }

    /// One feature: `None` when absent.
    pub fn feature(&self, name: &str) -> Result<Option<bool>, XmlError> {
        match self
            .features_el()
            .and_then(|f| self.doc.first_element(f, name))
        {
            Some(el) => state_of(&self.doc, el).map(Some),
            None => Ok(None),
        }
    }

    /// Turns a feature on or off (`state='off'`, or removal for presence-only features
    /// such as acpi); `None` removes it (the hypervisor's default).
    pub fn set_feature(&mut self, name: &str, on: Option<bool>) -> Result<(), XmlError> {
        access::check("features", name, Check::Token)?;
        let existing = self
            .features_el()
            .and_then(|f| self.doc.first_element(f, name));
        let presence = PRESENCE_ONLY.contains(&name);
        match (on, existing) {
            (None, Some(el)) => self.doc.remove(el),
            (Some(false), Some(el)) if presence => self.doc.remove(el),
            (None, None) => Ok(()),
            (Some(false), None) if presence => Ok(()),
            (Some(on), el) => {
                let el = match el {
                    Some(el) => el,
                    None => {
                        let root = self.root();
                        let f = self.doc.ensure_element(root, "features", DOMAIN_ORDER)?;
                        self.doc.ensure_element(f, name, FEATURES_ORDER)?
                    }
                };
                if !presence {
                    self.doc
                        .set_attr(el, "state", if on { "on" } else { "off" })?;
                }
                Ok(())
            }
        }
    }

    /// The Hyper-V enlightenments as (name, on).
    pub fn hyperv_features(&self) -> Result<Vec<(String, bool)>, XmlError> {
        let Some(h) = self
            .features_el()
            .and_then(|f| self.doc.first_element(f, "hyperv"))
        else {
            return Ok(Vec::new());
        };
        (self.doc.elements(h))
            .filter_map(|c| Some((self.doc.name(c)?.to_owned(), c)))
            .map(|(n, c)| Ok((n, state_of(&self.doc, c)?)))
            .collect()
    }

    /// Sets one enlightenment's state (creating `<features><hyperv>` as needed); `None`
    /// removes it. Other attributes (`retries`, `value`) are kept.
    pub fn set_hyperv_feature(&mut self, name: &str, on: Option<bool>) -> Result<(), XmlError> {
        access::check("features/hyperv", name, Check::Token)?;
        let hyperv = self
            .features_el()
            .and_then(|f| self.doc.first_element(f, "hyperv"));
        let existing = hyperv.and_then(|h| self.doc.first_element(h, name));
        match (on, existing) {
            (None, Some(el)) => self.doc.remove(el),
            (None, None) => Ok(()),
            (Some(on), el) => {
                let el = match el {
                    Some(el) => el,
                    None => {
                        let h = match hyperv {
                            Some(h) => h,
                            None => {
                                let root = self.root();
                                let f = self.doc.ensure_element(root, "features", DOMAIN_ORDER)?;
                                self.doc.ensure_element(f, "hyperv", FEATURES_ORDER)?
                            }
                        };
                        self.doc.ensure_element(h, name, HYPERV_ORDER)?
                    }
                };
                self.doc
                    .set_attr(el, "state", if on { "on" } else { "off" })
            }
        }
    }
}
