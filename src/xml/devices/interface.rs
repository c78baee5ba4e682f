// SPDX-License-Identifier: GPL-3.0-or-later
//! `<interface>`: type and source (virtual network, bridge, direct/macvtap, user), MAC
//! address, model, link state and boot order. Everything else (target, driver, bandwidth,
//! virtualport, address …) is kept as written.

use std::borrow::Cow;

use super::access::{self, attr_fields, Check};
use super::device_handle;
use crate::xml::{Document, XmlError};

device_handle!(
    /// An `<interface>` (NIC) device.
    Interface,
    "interface"
);

/// libvirt's order of the children of `<interface>`.
pub const INTERFACE_ORDER: &[&str] = &[
    "mac",
    "source",
    "vlan",
    "virtualport",
    "ip",
    "route",
    "script",
    "downscript",
    "backenddomain",
    "target",
    "guest",
    "model",
    "driver",
    "backend",
    "filterref",
    "tune",
    "teaming",
    "link",
    "mtu",
    "bandwidth",
    "coalesce",
    "portForward",
    "boot",
    "rom",
    "alias",
    "address",
];

/// Where the NIC is plugged; also decides `<interface type=…>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterfaceSource {
    /// `type='network'`: a libvirt virtual network.
    Network(String),
    /// `type='bridge'`: a host bridge.
    Bridge(String),
    /// `type='direct'`: macvtap on a host device, with its mode (`vepa`, `bridge` …).
    Direct { dev: String, mode: Option<String> },
    /// `type='user'`: user-mode networking, no `<source>`.
    User,
}

const SOURCE_KEYS: &[&str] = &["network", "portgroup", "bridge", "dev", "mode"];

impl Interface {
    attr_fields! {
        /// `<interface type=…>`.
        interface_type, set_interface_type: "" @ "type", &[], Token;
        /// The NIC model (`virtio`, `e1000e`).
        model, set_model: "model" @ "type", INTERFACE_ORDER, Token;
    }

    /// The MAC address as written.
    pub fn mac(self, doc: &Document) -> Option<Cow<'_, str>> {
        access::attr_of(doc, self.0, "mac", "address")
    }

    /// Sets (`None`: removes, libvirt then generates one) the MAC address: six
    /// colon-separated hex pairs, not multicast.
    pub fn set_mac(self, doc: &mut Document, mac: Option<&str>) -> Result<(), XmlError> {
        if let Some(m) = mac {
            let parts: Vec<&str> = m.split(':').collect();
            let hex = |p: &&str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit());
            if parts.len() != 6 || !parts.iter().all(hex) {
                return Err(XmlError::invalid("mac/@address", m, "is not a MAC address"));
            }
            let first = u8::from_str_radix(parts[0], 16).unwrap_or(1);
            if first & 1 == 1 {
                return Err(XmlError::invalid(
                    "mac/@address",
                    m,
                    "is a multicast address",
                ));
            }
        }
        access::set_attr_of(
            doc,
            self.0,
            "mac",
            INTERFACE_ORDER,
            "address",
            mac,
            Check::Token,
        )
    }

    /// The source, from `type` and `<source>`; `None` for types this view does not model.
    pub fn source(self, doc: &Document) -> Option<InterfaceSource> {
        let a = |k: &str| access::attr_of(doc, self.0, "source", k).map(Cow::into_owned);
        Some(match self.interface_type(doc)?.as_ref() {
            "network" => InterfaceSource::Network(a("network")?),
            "bridge" => InterfaceSource::Bridge(a("bridge")?),
            "direct" => InterfaceSource::Direct {
                dev: a("dev")?,
                mode: a("mode"),
            },
            "user" => InterfaceSource::User,
            _ => return None,
        })
    }

    /// Sets `type` and `<source>` together, dropping the source attributes of the old kind
    /// (other attributes and children of `<source>` are kept).
    pub fn set_source(self, doc: &mut Document, source: &InterfaceSource) -> Result<(), XmlError> {
        let (kind, attrs): (&str, Vec<(&str, &str)>) = match source {
            InterfaceSource::Network(n) => ("network", vec![("network", n)]),
            InterfaceSource::Bridge(b) => ("bridge", vec![("bridge", b)]),
            InterfaceSource::Direct { dev, mode } => {
                let mut v = vec![("dev", dev.as_str())];
                v.extend(mode.as_deref().map(|m| ("mode", m)));
                ("direct", v)
            }
            InterfaceSource::User => ("user", vec![]),
        };
        for (k, v) in &attrs {
            access::check(&format!("source/@{k}"), v, Check::Token)?;
        }
        let keep_portgroup = matches!(source, InterfaceSource::Network(_))
            && self.interface_type(doc).as_deref() == Some("network");
        self.set_interface_type(doc, Some(kind))?;
        // New attributes first, so they take the quotes of the ones they replace.
        for (k, v) in &attrs {
            let (n, o) = (self.0, INTERFACE_ORDER);
            access::set_attr_of(doc, n, "source", o, k, Some(v), Check::Token)?;
        }
        if let Some(src) = doc.first_element(self.0, "source") {
            for k in SOURCE_KEYS {
                let new = attrs.iter().any(|(a, _)| a == k);
                if !(new || (*k == "portgroup" && keep_portgroup)) {
                    doc.remove_attr(src, k);
                }
            }
            if attrs.is_empty() && access::is_empty(doc, src) {
                doc.remove(src)?;
            }
        }
        Ok(())
    }

    /// Link state: `Some(true)` up, `Some(false)` down, `None` unset (up).
    pub fn link_up(self, doc: &Document) -> Result<Option<bool>, XmlError> {
        match access::attr_of(doc, self.0, "link", "state").as_deref() {
            None => Ok(None),
            Some("up") => Ok(Some(true)),
            Some("down") => Ok(Some(false)),
            Some(other) => Err(XmlError::invalid(
                "link/@state",
                other,
                "is not “up” or “down”",
            )),
        }
    }

    /// Sets (`None`: removes) `<link state=…>`.
    pub fn set_link_up(self, doc: &mut Document, up: Option<bool>) -> Result<(), XmlError> {
        let v = up.map(|u| if u { "up" } else { "down" });
        access::set_attr_of(
            doc,
            self.0,
            "link",
            INTERFACE_ORDER,
            "state",
            v,
            Check::Token,
        )
    }

    /// `<boot order='N'/>`.
    pub fn boot_order(self, doc: &Document) -> Result<Option<u32>, XmlError> {
        access::boot_order(doc, self.0)
    }

    pub fn set_boot_order(self, doc: &mut Document, order: Option<u32>) -> Result<(), XmlError> {
        access::set_boot_order(doc, self.0, order, INTERFACE_ORDER)
    }
}
