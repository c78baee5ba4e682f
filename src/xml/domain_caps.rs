// SPDX-License-Identifier: GPL-3.0-or-later
//! A read-only view of a `<domainCapabilities>` document (`virsh domcapabilities`,
//! `virConnectGetDomainCapabilities`): for one emulator, domain type, machine and
//! architecture, what a domain definition may use: the vCPU maximum, firmware (values,
//! loader paths, loader enums), CPU modes (host-model's model, the custom models and
//! whether each is usable here), and for every device class and feature the values each
//! of its `<enum name=…>` accepts ([`DomainCapabilities::enum_values`]).
//!
//! Lists are owned values read at the call; an absent element reads as an empty list or
//! `None` (the test driver, for one, lists no devices).

use std::borrow::Cow;

use super::field::{child_text, opt_num};
use super::network::document_view;
use super::{Document, NodeId, XmlError};

/// A `<mode name=… supported=…>` of `<cpu>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuMode {
    /// `host-passthrough`, `maximum`, `host-model`, `custom`.
    pub name: String,
    pub supported: bool,
}

/// The model libvirt would use for `host-model`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostModel {
    pub model: Option<String>,
    /// `<model fallback=…>` (`forbid`, `allow`).
    pub fallback: Option<String>,
    pub vendor: Option<String>,
}

/// A named CPU model of the `custom` mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuModel {
    pub name: String,
    /// `yes`, `no` (features missing on this host) or `unknown`.
    pub usable: Option<String>,
    pub vendor: Option<String>,
    /// For an alias (`Broadwell`), the versioned model (`Broadwell-v1`).
    pub canonical: Option<String>,
    pub deprecated: bool,
}

impl CpuModel {
    /// Whether the host can run this model as is (`usable='yes'`).
    pub fn is_usable(&self) -> bool {
        self.usable.as_deref() == Some("yes")
    }
}

document_view!(
    /// A `<domainCapabilities>` document (read-only).
    DomainCapabilities,
    "domainCapabilities"
);

/// `supported='yes'|'no'` of `el`.
fn supported(doc: &Document, el: NodeId) -> Option<bool> {
    match doc.attr(el, "supported")?.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(|t| t.trim().to_owned())
}

/// The `<value>` texts of `el`.
fn values(doc: &Document, el: NodeId) -> Vec<String> {
    (doc.elements_named(el, "value"))
        .filter_map(|v| owned(doc.text(v)))
        .collect()
}

impl DomainCapabilities {
    fn text(&self, name: &str) -> Option<String> {
        owned(child_text(&self.doc, self.root(), name))
    }

    /// The emulator binary these capabilities are of.
    pub fn path(&self) -> Option<String> {
        self.text("path")
    }

    /// The domain type (`kvm`, `qemu`, `test`).
    pub fn domain_type(&self) -> Option<String> {
        self.text("domain")
    }

    /// The machine type (canonical: `pc-i440fx-10.0` rather than `pc`).
    pub fn machine(&self) -> Option<String> {
        self.text("machine")
    }

    pub fn arch(&self) -> Option<String> {
        self.text("arch")
    }

    /// `<vcpu max=…>`: the most vCPUs the machine type takes.
    pub fn vcpu_max(&self) -> Result<Option<u32>, XmlError> {
        let vcpu = self.doc.first_element(self.root(), "vcpu");
        opt_num("vcpu/@max", vcpu.and_then(|v| self.doc.attr(v, "max")))
    }

    /// `supported` of the element at `path` (`"iothreads"`, `"os"`, `"os/loader"`,
    /// `"devices/disk"`, `"features/sev"` …); `None` if absent.
    pub fn supported(&self, path: &str) -> Option<bool> {
        supported(&self.doc, self.doc.find(self.root(), path)?)
    }

    /// The values of `<enum name=…>` of the element at `path` (`"os"`, `"os/loader"`,
    /// `"devices/disk"`, `"features/hyperv"`, `"memoryBacking"`, `"cpu/mode"` …; the first
    /// element there that has the enum); empty if either is absent.
    pub fn enum_values_at(&self, path: &str, enum_name: &str) -> Vec<String> {
        let d = &self.doc;
        (d.find_all(self.root(), path).into_iter())
            .flat_map(|el| d.elements_named(el, "enum"))
            .find(|&e| d.attr(e, "name").as_deref() == Some(enum_name))
            .map(|e| values(d, e))
            .unwrap_or_default()
    }

    /// The names of the `<enum>`s of the element at `path`.
    pub fn enum_names_at(&self, path: &str) -> Vec<String> {
        let Some(el) = self.doc.find(self.root(), path) else {
            return Vec::new();
        };
        (self.doc.elements_named(el, "enum"))
            .filter_map(|e| self.doc.attr(e, "name").map(Cow::into_owned))
            .collect()
    }

    /// The values device class `class` accepts for `enum_name`:
    /// `enum_values("disk", "bus")` → `["ide", "fdc", "scsi", "virtio", …]`.
    pub fn enum_values(&self, class: &str, enum_name: &str) -> Vec<String> {
        self.enum_values_at(&format!("devices/{class}"), enum_name)
    }

    /// The device classes listed (`disk`, `graphics`, `video` …), in document order.
    pub fn device_classes(&self) -> Vec<String> {
        let Some(devices) = self.doc.first_element(self.root(), "devices") else {
            return Vec::new();
        };
        (self.doc.elements(devices))
            .filter_map(|c| self.doc.name(c).map(str::to_owned))
            .collect()
    }

    /// Whether device class `class` is supported; `None` if not listed.
    pub fn device_supported(&self, class: &str) -> Option<bool> {
        self.supported(&format!("devices/{class}"))
    }

    /// Whether feature `name` (`sev`, `gic`, `vmcoreinfo` …) is supported.
    pub fn feature_supported(&self, name: &str) -> Option<bool> {
        self.supported(&format!("features/{name}"))
    }

    /// The firmware `<os firmware=…>` accepts (`efi`, `bios`).
    pub fn firmware_values(&self) -> Vec<String> {
        self.enum_values_at("os", "firmware")
    }

    /// The firmware images libvirt knows (`<os><loader><value>`).
    pub fn loader_paths(&self) -> Vec<String> {
        match self.doc.find(self.root(), "os/loader") {
            Some(l) => values(&self.doc, l),
            None => Vec::new(),
        }
    }

    /// The values of a loader enum: `type` (`rom`, `pflash`), `readonly`, `secure`.
    pub fn loader_values(&self, enum_name: &str) -> Vec<String> {
        self.enum_values_at("os/loader", enum_name)
    }

    fn cpu_mode(&self, name: &str) -> Option<NodeId> {
        (self.doc.find_all(self.root(), "cpu/mode").into_iter())
            .find(|&m| self.doc.attr(m, "name").as_deref() == Some(name))
    }

    /// Every CPU mode and whether it is supported, in document order.
    pub fn cpu_modes(&self) -> Vec<CpuMode> {
        (self.doc.find_all(self.root(), "cpu/mode").into_iter())
            .map(|m| CpuMode {
                name: self.doc.attr(m, "name").unwrap_or_default().into_owned(),
                supported: supported(&self.doc, m) == Some(true),
            })
            .collect()
    }

    /// Whether CPU mode `name` is supported; `None` if not listed.
    pub fn cpu_mode_supported(&self, name: &str) -> Option<bool> {
        supported(&self.doc, self.cpu_mode(name)?)
    }

    /// What `host-model` expands to here; `None` if the mode is absent or unsupported.
    pub fn host_model(&self) -> Option<HostModel> {
        let mode = self.cpu_mode("host-model")?;
        if supported(&self.doc, mode) != Some(true) {
            return None;
        }
        let model = self.doc.first_element(mode, "model");
        Some(HostModel {
            model: owned(model.and_then(|m| self.doc.text(m))),
            fallback: model.and_then(|m| self.doc.attr(m, "fallback").map(Cow::into_owned)),
            vendor: owned(child_text(&self.doc, mode, "vendor")),
        })
    }

    /// The named models of the `custom` mode, in document order.
    pub fn custom_models(&self) -> Vec<CpuModel> {
        let Some(mode) = self.cpu_mode("custom") else {
            return Vec::new();
        };
        let a = |m, k| self.doc.attr(m, k).map(Cow::into_owned);
        (self.doc.elements_named(mode, "model"))
            .map(|m| CpuModel {
                name: owned(self.doc.text(m)).unwrap_or_default(),
                usable: a(m, "usable"),
                vendor: a(m, "vendor"),
                canonical: a(m, "canonical"),
                deprecated: a(m, "deprecated").as_deref() == Some("yes"),
            })
            .collect()
    }
}
