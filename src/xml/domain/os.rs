// SPDX-License-Identifier: GPL-3.0-or-later
//! `<os>` beyond type/arch/machine: firmware autoselection, loader and NVRAM, the boot
//! device list and menu, and direct kernel boot (kernel, initrd, cmdline, dtb).

use std::borrow::Cow;

use super::{Domain, DOMAIN_ORDER, OS_ORDER};
use crate::xml::devices::access::{self, Check};
use crate::xml::field::{child_text, set_child_text};
use crate::xml::{NodeId, XmlError};

impl Domain {
    fn os(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "os")
    }

    fn ensure_os(&mut self) -> Result<NodeId, XmlError> {
        let root = self.root();
        self.doc.ensure_element(root, "os", DOMAIN_ORDER)
    }

    /// `<os firmware=…>`: `efi` or `bios` (libvirt then picks the loader itself).
    pub fn firmware(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.os()?, "firmware")
    }

    pub fn set_firmware(&mut self, firmware: Option<&str>) -> Result<(), XmlError> {
        let os = self.ensure_os()?;
        access::set_attr_of(
            &mut self.doc,
            os,
            "",
            &[],
            "firmware",
            firmware,
            Check::Token,
        )
    }

    fn os_text(&self, name: &str) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.os()?, name)
    }

    fn set_os_text(&mut self, name: &str, value: Option<&str>) -> Result<(), XmlError> {
        if let Some(v) = value {
            access::check(&format!("os/{name}"), v, Check::Text)?;
        } else if self.os().is_none() {
            return Ok(());
        }
        let os = self.ensure_os()?;
        set_child_text(&mut self.doc, os, name, value, OS_ORDER)
    }

    /// The firmware image (`<loader>` text).
    pub fn loader(&self) -> Option<Cow<'_, str>> {
        self.os_text("loader")
    }

    /// Sets (`None`: removes) the loader path; its attributes are kept.
    pub fn set_loader(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_os_text("loader", path)
    }

    /// A `<loader>` attribute: `readonly`, `type` (`rom`, `pflash`), `secure`.
    pub fn loader_attr(&self, attr: &str) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.os()?, "loader", attr)
    }

    pub fn set_loader_attr(&mut self, attr: &str, value: Option<&str>) -> Result<(), XmlError> {
        let os = self.ensure_os()?;
        access::set_attr_of(
            &mut self.doc,
            os,
            "loader",
            OS_ORDER,
            attr,
            value,
            Check::Token,
        )
    }

    /// The per-domain UEFI variable store (`<nvram>` text).
    pub fn nvram(&self) -> Option<Cow<'_, str>> {
        self.os_text("nvram")
    }

    pub fn set_nvram(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_os_text("nvram", path)
    }

    /// Direct kernel boot: the kernel image.
    pub fn kernel(&self) -> Option<Cow<'_, str>> {
        self.os_text("kernel")
    }

    pub fn set_kernel(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_os_text("kernel", path)
    }

    pub fn initrd(&self) -> Option<Cow<'_, str>> {
        self.os_text("initrd")
    }

    pub fn set_initrd(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_os_text("initrd", path)
    }

    /// The kernel command line.
    pub fn cmdline(&self) -> Option<Cow<'_, str>> {
        self.os_text("cmdline")
    }

    pub fn set_cmdline(&mut self, cmdline: Option<&str>) -> Result<(), XmlError> {
        self.set_os_text("cmdline", cmdline)
    }

    /// The device tree blob.
    pub fn dtb(&self) -> Option<Cow<'_, str>> {
        self.os_text("dtb")
    }

    pub fn set_dtb(&mut self, path: Option<&str>) -> Result<(), XmlError> {
        self.set_os_text("dtb", path)
    }

    /// The `<boot dev=…>` list in order (`hd`, `cdrom`, `network`, `fd`).
    pub fn boot_devices(&self) -> Vec<String> {
        let Some(os) = self.os() else {
            return Vec::new();
        };
        (self.doc.elements_named(os, "boot"))
            .filter_map(|b| self.doc.attr(b, "dev").map(Cow::into_owned))
            .collect()
    }

    /// Replaces the boot device list (empty: none, e.g. to use per-device boot order).
    /// Unchanged leading entries are kept as written.
    pub fn set_boot_devices(&mut self, devs: &[&str]) -> Result<(), XmlError> {
        for d in devs {
            access::check("os/boot/@dev", d, Check::Token)?;
        }
        if devs.is_empty() && self.os().is_none() {
            return Ok(());
        }
        let os = self.ensure_os()?;
        let old: Vec<NodeId> = self.doc.elements_named(os, "boot").collect();
        let same = old
            .iter()
            .zip(devs)
            .take_while(|(&b, d)| self.doc.attr(b, "dev").as_deref() == Some(**d))
            .count();
        for &b in &old[same..] {
            self.doc.remove(b)?;
        }
        for d in &devs[same..] {
            let b = self.doc.create_element("boot")?;
            self.doc.set_attr(b, "dev", d)?;
            self.doc.insert_ordered(os, b, OS_ORDER)?;
        }
        Ok(())
    }

    /// `<bootmenu enable=…>`.
    pub fn bootmenu(&self) -> Result<Option<bool>, XmlError> {
        match self.os() {
            Some(os) => access::bool_of(&self.doc, os, "bootmenu", "enable"),
            None => Ok(None),
        }
    }

    /// Sets (`None`: removes) the boot menu; a `timeout` attribute is kept.
    pub fn set_bootmenu(&mut self, enable: Option<bool>) -> Result<(), XmlError> {
        if enable.is_none() && self.os().is_none() {
            return Ok(());
        }
        let os = self.ensure_os()?;
        match enable {
            Some(on) => {
                let v = Some(access::yes_no(on));
                access::set_attr_of(
                    &mut self.doc,
                    os,
                    "bootmenu",
                    OS_ORDER,
                    "enable",
                    v,
                    Check::Token,
                )
            }
            None => match self.doc.first_element(os, "bootmenu") {
                Some(b) => self.doc.remove(b),
                None => Ok(()),
            },
        }
    }
}
