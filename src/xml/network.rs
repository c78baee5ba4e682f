// SPDX-License-Identifier: GPL-3.0-or-later
//! The typed view of a libvirt `<network>` document (`virsh net-dumpxml`): name, uuid,
//! forward mode and device, bridge (name, STP, delay), MAC, DNS domain name, MTU, the
//! `<ip>` elements with their DHCP ranges and hosts ([`NetworkIp`] handles, like the device
//! views), and the DNS host entries. Like [`Domain`](super::Domain), getters read the
//! lossless document, setters validate before touching it and create what is missing in
//! libvirt's order ([`NETWORK_ORDER`]); portgroups, routes, virtualport, bandwidth, other
//! tools' metadata and anything newer are kept as written.
//!
//! This file also holds what every document view shares: the `document_view!` macro
//! (parse, root check, access to the document) and the UUID and MAC checks.

use std::borrow::Cow;
use std::net::IpAddr;

use super::devices::access::{self, Check};
use super::field::{check_plain, child_text, opt_num, set_child_text};
use super::{Document, XmlError};

mod ip;

pub use ip::{DhcpHost, DhcpRange, NetworkIp, DHCP_ORDER, IP_ORDER};

/// Declares a view type owning a [`Document`] whose root must be `$root`.
macro_rules! document_view {
    ($(#[$m:meta])* $ty:ident, $root:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone)]
        pub struct $ty {
            doc: $crate::xml::Document,
        }

        impl $ty {
            #[doc = concat!("Parses a `<", $root, ">` document.")]
            pub fn parse(xml: &str) -> Result<Self, $crate::xml::XmlError> {
                Self::from_document($crate::xml::Document::parse(xml)?)
            }

            #[doc = concat!("Wraps a parsed document, which must have a `<", $root, ">` root.")]
            pub fn from_document(doc: $crate::xml::Document) -> Result<Self, $crate::xml::XmlError> {
                match doc.name(doc.root()) {
                    Some($root) => Ok($ty { doc }),
                    other => Err($crate::xml::XmlError::WrongRoot {
                        expected: $root.into(),
                        found: other.unwrap_or_default().into(),
                    }),
                }
            }

            pub fn document(&self) -> &$crate::xml::Document {
                &self.doc
            }

            pub fn into_document(self) -> $crate::xml::Document {
                self.doc
            }

            /// The document as text (byte-identical to the input where nothing was set).
            pub fn to_xml(&self) -> String {
                self.doc.to_xml()
            }

            #[allow(dead_code)]
            fn root(&self) -> $crate::xml::NodeId {
                self.doc.root()
            }
        }
    };
}
pub(crate) use document_view;

/// Refuses anything but 32 hexadecimal digits, bare or with the usual dashes.
pub(crate) fn check_uuid(uuid: &str) -> Result<(), XmlError> {
    let b = uuid.as_bytes();
    let dashed = b.len() == 36 && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-');
    let hex = uuid.bytes().filter(|&c| c != b'-');
    if (b.len() == 32 || dashed)
        && hex.clone().count() == 32
        && hex.into_iter().all(|c| c.is_ascii_hexdigit())
    {
        Ok(())
    } else {
        Err(XmlError::invalid("uuid", uuid, "is not a UUID"))
    }
}

/// Refuses anything but six colon-separated hex pairs.
pub(crate) fn check_mac(field: &str, mac: &str) -> Result<(), XmlError> {
    let parts: Vec<&str> = mac.split(':').collect();
    let pair = |p: &&str| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit());
    if parts.len() == 6 && parts.iter().all(pair) {
        Ok(())
    } else {
        Err(XmlError::invalid(field, mac, "is not a MAC address"))
    }
}

/// Parses an IPv4 or IPv6 address, naming `field` in the error.
pub(crate) fn check_ip(field: &str, addr: &str) -> Result<IpAddr, XmlError> {
    addr.parse()
        .map_err(|_| XmlError::invalid(field, addr, "is not an IP address"))
}

/// libvirt's order of the children of `<network>` (`virNetworkDefFormatBuf`).
pub const NETWORK_ORDER: &[&str] = &[
    "name",
    "uuid",
    "title",
    "description",
    "metadata",
    "forward",
    "bridge",
    "mtu",
    "mac",
    "domain",
    "dns",
    "vlan",
    "bandwidth",
    "ip",
    "route",
    "virtualport",
    "portgroup",
];

/// One `<dns><host ip=…>` entry and its host names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsHost {
    pub ip: String,
    pub hostnames: Vec<String>,
}

document_view!(
    /// A `<network>` document with typed access to its fields.
    Network,
    "network"
);

impl Network {
    /// The document, for views of parts this type does not cover.
    pub fn document_mut(&mut self) -> &mut Document {
        &mut self.doc
    }

    fn attr(&self, child: &str, attr: &str) -> Option<Cow<'_, str>> {
        access::attr_of(&self.doc, self.root(), child, attr)
    }

    fn set_attr(&mut self, child: &str, attr: &str, v: Option<&str>) -> Result<(), XmlError> {
        let root = self.root();
        access::set_attr_of(
            &mut self.doc,
            root,
            child,
            NETWORK_ORDER,
            attr,
            v,
            Check::Token,
        )
    }

    pub fn name(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.root(), "name")
    }

    pub fn set_name(&mut self, name: &str) -> Result<(), XmlError> {
        check_plain("name", name, &['\n', '/'])?;
        let root = self.root();
        set_child_text(&mut self.doc, root, "name", Some(name), NETWORK_ORDER)
    }

    pub fn uuid(&self) -> Option<String> {
        child_text(&self.doc, self.root(), "uuid").map(|u| u.trim().to_owned())
    }

    pub fn set_uuid(&mut self, uuid: &str) -> Result<(), XmlError> {
        check_uuid(uuid)?;
        let root = self.root();
        set_child_text(&mut self.doc, root, "uuid", Some(uuid), NETWORK_ORDER)
    }

    /// `<forward mode=…>`: `nat`, `route`, `open`, `bridge`, `hostdev` …; `None` when
    /// there is no `<forward>` (an isolated network). A `<forward>` without `mode` is NAT.
    pub fn forward_mode(&self) -> Option<Cow<'_, str>> {
        let fwd = self.doc.first_element(self.root(), "forward")?;
        Some(self.doc.attr(fwd, "mode").unwrap_or(Cow::Borrowed("nat")))
    }

    /// Sets the forward mode; `None` removes `<forward>` with everything in it (isolated).
    pub fn set_forward_mode(&mut self, mode: Option<&str>) -> Result<(), XmlError> {
        match mode {
            Some(m) => self.set_attr("forward", "mode", Some(m)),
            None => match self.doc.first_element(self.root(), "forward") {
                Some(f) => self.doc.remove(f),
                None => Ok(()),
            },
        }
    }

    /// `<forward dev=…>`: the host device traffic leaves by.
    pub fn forward_dev(&self) -> Option<Cow<'_, str>> {
        self.attr("forward", "dev")
    }

    pub fn set_forward_dev(&mut self, dev: Option<&str>) -> Result<(), XmlError> {
        self.set_attr("forward", "dev", dev)
    }

    /// `<bridge name=…>`.
    pub fn bridge_name(&self) -> Option<Cow<'_, str>> {
        self.attr("bridge", "name")
    }

    /// Sets (`None`: removes, libvirt then picks `virbrN`) the bridge name: a Linux
    /// interface name, at most 15 characters.
    pub fn set_bridge_name(&mut self, name: Option<&str>) -> Result<(), XmlError> {
        if let Some(n) = name {
            if n.len() > 15 {
                return Err(XmlError::invalid(
                    "bridge/@name",
                    n,
                    "is longer than 15 characters",
                ));
            }
        }
        self.set_attr("bridge", "name", name)
    }

    /// `<bridge stp=…>` (`on`/`off`).
    pub fn bridge_stp(&self) -> Result<Option<bool>, XmlError> {
        access::bool_of(&self.doc, self.root(), "bridge", "stp")
    }

    pub fn set_bridge_stp(&mut self, stp: Option<bool>) -> Result<(), XmlError> {
        self.set_attr("bridge", "stp", stp.map(|s| if s { "on" } else { "off" }))
    }

    /// `<bridge delay=…>`: the STP forward delay in seconds.
    pub fn bridge_delay(&self) -> Result<Option<u32>, XmlError> {
        access::num_of(&self.doc, self.root(), "bridge", "delay")
    }

    pub fn set_bridge_delay(&mut self, delay: Option<u32>) -> Result<(), XmlError> {
        self.set_attr("bridge", "delay", delay.map(|d| d.to_string()).as_deref())
    }

    /// `<mac address=…>` of the bridge.
    pub fn mac(&self) -> Option<Cow<'_, str>> {
        self.attr("mac", "address")
    }

    pub fn set_mac(&mut self, mac: Option<&str>) -> Result<(), XmlError> {
        if let Some(m) = mac {
            check_mac("mac/@address", m)?;
        }
        self.set_attr("mac", "address", mac)
    }

    /// `<domain name=…>`: the DNS domain of the network.
    pub fn domain_name(&self) -> Option<Cow<'_, str>> {
        self.attr("domain", "name")
    }

    pub fn set_domain_name(&mut self, name: Option<&str>) -> Result<(), XmlError> {
        self.set_attr("domain", "name", name)
    }

    /// `<mtu size=…>`.
    pub fn mtu(&self) -> Result<Option<u32>, XmlError> {
        opt_num("mtu/@size", self.attr("mtu", "size"))
    }

    pub fn set_mtu(&mut self, mtu: Option<u32>) -> Result<(), XmlError> {
        if mtu == Some(0) {
            return Err(XmlError::invalid("mtu/@size", "0", "must be more than 0"));
        }
        self.set_attr("mtu", "size", mtu.map(|m| m.to_string()).as_deref())
    }

    /// The `<dns><host>` entries: an address and the names it answers to.
    pub fn dns_hosts(&self) -> Vec<DnsHost> {
        let d = &self.doc;
        (d.find_all(self.root(), "dns/host").into_iter())
            .map(|h| DnsHost {
                ip: d.attr(h, "ip").unwrap_or_default().into_owned(),
                hostnames: (d.elements_named(h, "hostname"))
                    .filter_map(|n| d.text(n).map(|t| t.trim().to_owned()))
                    .collect(),
            })
            .collect()
    }
}

impl std::str::FromStr for Network {
    type Err = XmlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Network::parse(s)
    }
}
