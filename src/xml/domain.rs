// SPDX-License-Identifier: GPL-3.0-or-later
//! The typed view of a libvirt `<domain>` document: identity (name, title, description,
//! uuid), memory, vCPUs, OS type/arch/machine and lifecycle actions. Each getter reads the
//! lossless [`Document`]; each setter changes only its own nodes, creating a missing element
//! where libvirt would write it ([`DOMAIN_ORDER`]). Everything else — devices, metadata of
//! other tools, elements newer than this code — is left exactly as it was.
//!
//! Submodules add the rest: `memory` (maxMemory, memoryBacking, vcpu placement), `cpu`,
//! `os` (firmware, loader, nvram, boot list, direct kernel boot), `features`, `clock`,
//! `lifecycle`. Devices are in [`devices`](super::devices) (`Domain::devices::<Disk>()`).

mod clock;
mod cpu;
mod features;
mod lifecycle;
mod memory;
mod os;

use std::borrow::Cow;

pub use clock::Timer;
pub use cpu::{CpuTopology, CPU_ORDER};
pub use features::{FEATURES_ORDER, HYPERV_ORDER};
pub use lifecycle::LifecycleAction;
pub use memory::{MaxMemory, MEMORY_BACKING_ORDER};

use super::field::{check_plain, child_text, opt_num, set_child_text, set_size, size_of};
use super::units::{Size, Unit};
use super::{Document, NodeId, XmlError};

/// libvirt's order of the children of `<domain>` (as `virsh dumpxml` writes them), used to
/// place an element we create. Elements not listed (other namespaces, newer libvirt) are
/// never moved.
pub const DOMAIN_ORDER: &[&str] = &[
    "name",
    "uuid",
    "genid",
    "title",
    "description",
    "metadata",
    "maxMemory",
    "memory",
    "currentMemory",
    "blkiotune",
    "memtune",
    "memoryBacking",
    "vcpu",
    "vcpus",
    "iothreads",
    "iothreadids",
    "defaultiothread",
    "cputune",
    "numatune",
    "resource",
    "sysinfo",
    "bootloader",
    "bootloader_args",
    "os",
    "idmap",
    "features",
    "cpu",
    "clock",
    "on_poweroff",
    "on_reboot",
    "on_crash",
    "on_lockfailure",
    "pm",
    "perf",
    "devices",
    "seclabel",
    "keywrap",
    "launchSecurity",
];

/// libvirt's order of the children of `<os>`.
pub const OS_ORDER: &[&str] = &[
    "type",
    "firmware",
    "init",
    "initarg",
    "initenv",
    "initdir",
    "inituser",
    "initgroup",
    "loader",
    "nvram",
    "kernel",
    "initrd",
    "cmdline",
    "shim",
    "dtb",
    "root",
    "acpi",
    "boot",
    "bootmenu",
    "smbios",
    "bios",
];

/// The maximum and current number of virtual CPUs (`<vcpu current='…'>max</vcpu>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vcpus {
    pub max: u32,
    /// CPUs online at boot; equals `max` when the attribute is absent.
    pub current: u32,
}

/// A `<domain>` document with typed access to its fields.
#[derive(Debug, Clone)]
pub struct Domain {
    doc: Document,
}

impl Domain {
    /// Parses a domain definition.
    pub fn parse(xml: &str) -> Result<Domain, XmlError> {
        Self::from_document(Document::parse(xml)?)
    }

    /// Wraps a parsed document, which must have a `<domain>` root.
    pub fn from_document(doc: Document) -> Result<Domain, XmlError> {
        match doc.name(doc.root()) {
            Some("domain") => Ok(Domain { doc }),
            other => Err(XmlError::WrongRoot {
                expected: "domain".into(),
                found: other.unwrap_or_default().into(),
            }),
        }
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The document, for views of parts this type does not cover.
    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    pub fn into_document(self) -> Document {
        self.doc
    }

    /// The domain XML as text (byte-identical to the input where nothing was set).
    pub fn to_xml(&self) -> String {
        self.doc.to_xml()
    }

    fn root(&self) -> NodeId {
        self.doc.root()
    }

    fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.root(), name)
    }

    fn set(&mut self, name: &str, value: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        set_child_text(&mut self.doc, root, name, value, DOMAIN_ORDER)
    }

    /// The hypervisor type (`<domain type='kvm'>`).
    pub fn domain_type(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.root(), "type")
    }

    pub fn name(&self) -> Option<Cow<'_, str>> {
        self.text("name")
    }

    /// Renames the domain in the document (libvirt renames with `virDomainRename`, or
    /// defines a new domain if the name is new and the UUID absent).
    pub fn set_name(&mut self, name: &str) -> Result<(), XmlError> {
        check_plain("name", name, &['\n', '/'])?;
        self.set("name", Some(name))
    }

    /// The short title; `None` if absent.
    pub fn title(&self) -> Option<Cow<'_, str>> {
        self.text("title")
    }

    /// Sets the title (one line); an empty title removes the element.
    pub fn set_title(&mut self, title: &str) -> Result<(), XmlError> {
        if title.is_empty() {
            return self.set("title", None);
        }
        check_plain("title", title, &['\n', '\r'])?;
        self.set("title", Some(title))
    }

    pub fn description(&self) -> Option<Cow<'_, str>> {
        self.text("description")
    }

    /// Sets the description (any text); an empty one removes the element.
    pub fn set_description(&mut self, description: &str) -> Result<(), XmlError> {
        self.set(
            "description",
            (!description.is_empty()).then_some(description),
        )
    }

    pub fn uuid(&self) -> Option<Cow<'_, str>> {
        self.text("uuid").map(|u| match u {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
        })
    }

    /// Sets the UUID: 32 hexadecimal digits, with or without the usual dashes.
    pub fn set_uuid(&mut self, uuid: &str) -> Result<(), XmlError> {
        let hex: String = uuid.chars().filter(|&c| c != '-').collect();
        let dashed_ok = uuid.len() == 32
            || (uuid.len() == 36 && [8, 13, 18, 23].iter().all(|&i| uuid.as_bytes()[i] == b'-'));
        if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) || !dashed_ok {
            return Err(XmlError::invalid("uuid", uuid, "is not a UUID"));
        }
        self.set("uuid", Some(uuid))
    }

    fn size(&self, name: &str) -> Result<Option<Size>, XmlError> {
        let Some(el) = self.doc.first_element(self.root(), name) else {
            return Ok(None);
        };
        size_of(&self.doc, el, name, Unit::KiB).map(Some)
    }

    fn set_size(&mut self, name: &str, size: Size) -> Result<(), XmlError> {
        if size.value == 0 {
            return Err(XmlError::invalid(name, "0", "must be more than 0"));
        }
        size.to_kib()?;
        let root = self.root();
        let el = self.doc.ensure_element(root, name, DOMAIN_ORDER)?;
        set_size(&mut self.doc, el, size)
    }

    /// `<memory>` as written (value and unit).
    pub fn memory_size(&self) -> Result<Option<Size>, XmlError> {
        self.size("memory")
    }

    /// Maximum memory at boot, in KiB.
    pub fn memory(&self) -> Result<Option<u64>, XmlError> {
        to_kib("memory", self.memory_size()?)
    }

    /// Sets `<memory>`, written in the unit given.
    pub fn set_memory(&mut self, size: Size) -> Result<(), XmlError> {
        self.set_size("memory", size)
    }

    /// `<currentMemory>` as written.
    pub fn current_memory_size(&self) -> Result<Option<Size>, XmlError> {
        self.size("currentMemory")
    }

    /// Memory actually given to the guest (balloon target), in KiB.
    pub fn current_memory(&self) -> Result<Option<u64>, XmlError> {
        to_kib("currentMemory", self.current_memory_size()?)
    }

    pub fn set_current_memory(&mut self, size: Size) -> Result<(), XmlError> {
        self.set_size("currentMemory", size)
    }

    /// `<vcpu current='c'>max</vcpu>`.
    pub fn vcpus(&self) -> Result<Option<Vcpus>, XmlError> {
        let Some(el) = self.doc.first_element(self.root(), "vcpu") else {
            return Ok(None);
        };
        let max: u32 = opt_num("vcpu", self.doc.text(el))?.unwrap_or(0);
        let current = opt_num("vcpu/@current", self.doc.attr(el, "current"))?.unwrap_or(max);
        Ok(Some(Vcpus { max, current }))
    }

    /// Sets the vCPU count; `current` (online at boot) is written only when below `max`.
    pub fn set_vcpus(&mut self, max: u32, current: Option<u32>) -> Result<(), XmlError> {
        if max == 0 {
            return Err(XmlError::invalid("vcpu", "0", "must be at least 1"));
        }
        let current = current.filter(|&c| c != max);
        if let Some(c) = current {
            if c == 0 || c > max {
                let reason = format!("must be between 1 and the maximum, {max}");
                return Err(XmlError::invalid("vcpu/@current", &c.to_string(), reason));
            }
        }
        let root = self.root();
        let el = self.doc.ensure_element(root, "vcpu", DOMAIN_ORDER)?;
        self.doc.set_text(el, &max.to_string())?;
        match current {
            Some(c) => self.doc.set_attr(el, "current", &c.to_string()),
            None => {
                self.doc.remove_attr(el, "current");
                Ok(())
            }
        }
    }

    fn os_type_el(&self) -> Option<NodeId> {
        self.doc.find(self.root(), "os/type")
    }

    /// The OS type (`hvm`, `linux` for Xen PV, `exe` for containers).
    pub fn os_type(&self) -> Option<Cow<'_, str>> {
        self.doc.text(self.os_type_el()?)
    }

    /// The guest architecture (`<type arch='x86_64'>`).
    pub fn os_arch(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.os_type_el()?, "arch")
    }

    /// The machine type (`<type machine='pc-q35-8.0'>`).
    pub fn os_machine(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.os_type_el()?, "machine")
    }

    /// `<os><type>`, created where libvirt writes it if missing.
    fn ensure_os_type(&mut self) -> Result<NodeId, XmlError> {
        let root = self.root();
        let os = self.doc.ensure_element(root, "os", DOMAIN_ORDER)?;
        self.doc.ensure_element(os, "type", OS_ORDER)
    }

    pub fn set_os_type(&mut self, os_type: &str) -> Result<(), XmlError> {
        check_plain("os/type", os_type, &[' ', '\n', '\t'])?;
        let el = self.ensure_os_type()?;
        self.doc.set_text(el, os_type)
    }

    pub fn set_os_arch(&mut self, arch: &str) -> Result<(), XmlError> {
        check_plain("os/type/@arch", arch, &[' ', '\n', '\t'])?;
        let el = self.ensure_os_type()?;
        self.doc.set_attr(el, "arch", arch)
    }

    pub fn set_os_machine(&mut self, machine: &str) -> Result<(), XmlError> {
        check_plain("os/type/@machine", machine, &[' ', '\n', '\t'])?;
        let el = self.ensure_os_type()?;
        self.doc.set_attr(el, "machine", machine)
    }
}

fn to_kib(field: &str, size: Option<Size>) -> Result<Option<u64>, XmlError> {
    size.map(|s| {
        s.to_kib()
            .map_err(|e| XmlError::invalid(field, &s.to_string(), e.to_string()))
    })
    .transpose()
}

#[cfg(test)]
mod tests;
