// SPDX-License-Identifier: GPL-3.0-or-later
//! `<disk>`: type and device, driver (name, format, cache), source (file, block device,
//! pool volume, network), target (dev, bus), `<readonly/>`, `<shareable/>`, `<serial>` and
//! boot order. Children this view does not model (iotune, seclabel inside source,
//! address, encryption …) are kept as they are.

use std::borrow::Cow;

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::field::{child_text, set_child_text};
use crate::xml::{Document, NodeId, XmlError};

device_handle!(
    /// A `<disk>` device.
    Disk,
    "disk"
);

/// libvirt's order of the children of `<disk>`.
pub const DISK_ORDER: &[&str] = &[
    "driver",
    "source",
    "backingStore",
    "backenddomain",
    "geometry",
    "blockio",
    "mirror",
    "target",
    "iotune",
    "throttlefilters",
    "readonly",
    "shareable",
    "transient",
    "serial",
    "wwn",
    "vendor",
    "product",
    "encryption",
    "boot",
    "alias",
    "address",
];

/// One `<host name= port=>` of a network disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkHost {
    pub name: String,
    pub port: Option<u16>,
}

/// Where a disk's data comes from; also decides `<disk type=…>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskSource {
    /// `type='file'`, `<source file=…>`.
    File(String),
    /// `type='block'`, `<source dev=…>`.
    Block(String),
    /// `type='dir'`, `<source dir=…>`.
    Dir(String),
    /// `type='volume'`, `<source pool=… volume=…>`.
    Volume { pool: String, volume: String },
    /// `type='network'`, `<source protocol=… name=…>` with `<host>` children.
    Network {
        protocol: String,
        name: String,
        hosts: Vec<NetworkHost>,
    },
}

/// Source attributes that belong to one kind of source; cleared when the kind changes.
const SOURCE_KEYS: &[&str] = &["file", "dev", "dir", "pool", "volume", "protocol", "name"];

impl Disk {
    attr_fields! {
        /// `<disk type=…>`: file, block, dir, network, volume, nvme, vhostuser.
        disk_type, set_disk_type: "" @ "type", &[], Token;
        /// `<disk device=…>`: disk, cdrom, floppy, lun.
        device, set_device: "" @ "device", &[], Token;
        /// Driver name (`qemu`).
        driver_name, set_driver_name: "driver" @ "name", DISK_ORDER, Token;
        /// Image format (`raw`, `qcow2`).
        driver_type, set_driver_type: "driver" @ "type", DISK_ORDER, Token;
        /// Cache mode (`none`, `writeback`, …).
        driver_cache, set_driver_cache: "driver" @ "cache", DISK_ORDER, Token;
        /// Guest device name (`vda`).
        target_dev, set_target_dev: "target" @ "dev", DISK_ORDER, Token;
        /// Guest bus (`virtio`, `sata`, `scsi`, `usb`, `ide`, `fdc`).
        target_bus, set_target_bus: "target" @ "bus", DISK_ORDER, Token;
    }

    /// Sets target dev and bus together (a change of bus usually renames the device).
    pub fn set_target(
        self,
        doc: &mut Document,
        dev: &str,
        bus: Option<&str>,
    ) -> Result<(), XmlError> {
        access::check("target/@dev", dev, Check::Token)?;
        if let Some(b) = bus {
            access::check("target/@bus", b, Check::Token)?;
        }
        self.set_target_dev(doc, Some(dev))?;
        self.set_target_bus(doc, bus)
    }

    /// The source, from `type` and `<source>`; `None` for an empty drive or an unknown type.
    pub fn source(self, doc: &Document) -> Option<DiskSource> {
        let src = doc.first_element(self.0, "source")?;
        let a = |k: &str| doc.attr(src, k).map(Cow::into_owned);
        Some(match self.disk_type(doc)?.as_ref() {
            "file" => DiskSource::File(a("file")?),
            "block" => DiskSource::Block(a("dev")?),
            "dir" => DiskSource::Dir(a("dir")?),
            "volume" => DiskSource::Volume {
                pool: a("pool")?,
                volume: a("volume")?,
            },
            "network" => DiskSource::Network {
                protocol: a("protocol")?,
                name: a("name").unwrap_or_default(),
                hosts: (doc.elements_named(src, "host"))
                    .filter_map(|h| {
                        Some(NetworkHost {
                            name: doc.attr(h, "name")?.into_owned(),
                            port: doc.attr(h, "port").and_then(|p| p.trim().parse().ok()),
                        })
                    })
                    .collect(),
            },
            _ => return None,
        })
    }

    /// Sets `type` and `<source>` together; `None` empties the drive (removes `<source>`).
    /// Other attributes and children of `<source>` (seclabel, startupPolicy) are kept.
    pub fn set_source(
        self,
        doc: &mut Document,
        source: Option<&DiskSource>,
    ) -> Result<(), XmlError> {
        let Some(source) = source else {
            return match doc.first_element(self.0, "source") {
                Some(s) => doc.remove(s),
                None => Ok(()),
            };
        };
        let (kind, attrs): (&str, Vec<(&str, &str)>) = match source {
            DiskSource::File(p) => ("file", vec![("file", p)]),
            DiskSource::Block(p) => ("block", vec![("dev", p)]),
            DiskSource::Dir(p) => ("dir", vec![("dir", p)]),
            DiskSource::Volume { pool, volume } => {
                ("volume", vec![("pool", pool), ("volume", volume)])
            }
            DiskSource::Network { protocol, name, .. } => {
                ("network", vec![("protocol", protocol), ("name", name)])
            }
        };
        for (k, v) in &attrs {
            access::check(&format!("source/@{k}"), v, Check::Text)?;
        }
        if let DiskSource::Network { hosts, .. } = source {
            for h in hosts {
                access::check("source/host/@name", &h.name, Check::Token)?;
            }
        }
        self.set_disk_type(doc, Some(kind))?;
        let src = doc.ensure_element(self.0, "source", DISK_ORDER)?;
        // New attributes first, so they take the quotes of the ones they replace.
        for (k, v) in &attrs {
            doc.set_attr(src, k, v)?;
        }
        for k in SOURCE_KEYS {
            if !attrs.iter().any(|(a, _)| a == k) {
                doc.remove_attr(src, k);
            }
        }
        let old_hosts: Vec<NodeId> = doc.elements_named(src, "host").collect();
        for h in old_hosts {
            doc.remove(h)?;
        }
        if let DiskSource::Network { hosts, .. } = source {
            for h in hosts {
                let el = doc.append_element(src, "host")?;
                doc.set_attr(el, "name", &h.name)?;
                if let Some(p) = h.port {
                    doc.set_attr(el, "port", &p.to_string())?;
                }
            }
        }
        Ok(())
    }

    /// `<readonly/>`.
    pub fn readonly(self, doc: &Document) -> bool {
        access::flag(doc, self.0, "readonly")
    }

    pub fn set_readonly(self, doc: &mut Document, on: bool) -> Result<(), XmlError> {
        access::set_flag(doc, self.0, "readonly", on, DISK_ORDER)
    }

    /// `<shareable/>`.
    pub fn shareable(self, doc: &Document) -> bool {
        access::flag(doc, self.0, "shareable")
    }

    pub fn set_shareable(self, doc: &mut Document, on: bool) -> Result<(), XmlError> {
        access::set_flag(doc, self.0, "shareable", on, DISK_ORDER)
    }

    /// `<serial>` as the guest sees it.
    pub fn serial(self, doc: &Document) -> Option<Cow<'_, str>> {
        child_text(doc, self.0, "serial")
    }

    /// Sets (`None`: removes) the serial; one word, as QEMU requires.
    pub fn set_serial(self, doc: &mut Document, serial: Option<&str>) -> Result<(), XmlError> {
        if let Some(s) = serial {
            access::check("serial", s, Check::Token)?;
        }
        set_child_text(doc, self.0, "serial", serial, DISK_ORDER)
    }

    /// `<boot order='N'/>`.
    pub fn boot_order(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::boot_order(doc, self.0)
    }

    pub fn set_boot_order(self, doc: &mut Document, order: Option<u32>) -> Result<(), XmlError> {
        access::set_boot_order(doc, self.0, order, DISK_ORDER)
    }
}
