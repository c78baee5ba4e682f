// SPDX-License-Identifier: GPL-3.0-or-later
//! One `<ip>` of a network: address, netmask or prefix, and its `<dhcp>` ranges and hosts.
//! [`NetworkIp`] is a `Copy` handle over the element, used like the device views: getters
//! take `&Document`, setters `&mut Document` (from [`Network::document_mut`]).
//!
//! [`Network::document_mut`]: super::Network::document_mut

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};

use super::{check_ip, check_mac, Network, NETWORK_ORDER};
use crate::xml::devices::access::{self, Check};
use crate::xml::field::check_plain;
use crate::xml::{Document, NodeId, XmlError};

/// libvirt's order of the children of `<ip>`.
pub const IP_ORDER: &[&str] = &["tftp", "dhcp"];

/// libvirt's order of the children of `<dhcp>`.
pub const DHCP_ORDER: &[&str] = &["range", "host", "bootp"];

/// An `<ip>` element of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NetworkIp(pub(crate) NodeId);

/// A `<range start=… end=…>` of addresses handed out by DHCP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DhcpRange {
    pub start: String,
    pub end: String,
}

/// A `<host>` with a fixed DHCP lease: IPv4 hosts are matched by `mac`, IPv6 ones by
/// DHCP client `id` (or name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DhcpHost {
    pub mac: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
    pub ip: Option<String>,
}

pub(super) fn check_prefix(prefix: u8, v6: bool) -> Result<(), XmlError> {
    let max = if v6 { 128 } else { 32 };
    if prefix > max {
        let reason = format!("must be at most {max}");
        return Err(XmlError::invalid("ip/@prefix", &prefix.to_string(), reason));
    }
    Ok(())
}

impl NetworkIp {
    /// The `<ip>` element.
    pub fn node(self) -> NodeId {
        self.0
    }

    /// `family` as written (`ipv4` when absent).
    pub fn family(self, doc: &Document) -> Cow<'_, str> {
        doc.attr(self.0, "family").unwrap_or(Cow::Borrowed("ipv4"))
    }

    fn is_v6(self, doc: &Document) -> bool {
        self.family(doc) == "ipv6"
    }

    pub fn address(self, doc: &Document) -> Option<Cow<'_, str>> {
        doc.attr(self.0, "address")
    }

    /// Sets the address, which must be of this element's family.
    pub fn set_address(self, doc: &mut Document, address: &str) -> Result<(), XmlError> {
        let v6 = check_ip("ip/@address", address)?.is_ipv6();
        if v6 != self.is_v6(doc) {
            let reason = format!("is not an {} address", self.family(doc));
            return Err(XmlError::invalid("ip/@address", address, reason));
        }
        doc.set_attr(self.0, "address", address)
    }

    /// The IPv4 netmask as written.
    pub fn netmask(self, doc: &Document) -> Option<Cow<'_, str>> {
        doc.attr(self.0, "netmask")
    }

    /// Sets (`None`: removes) the netmask; it replaces a `prefix` (libvirt takes one).
    pub fn set_netmask(self, doc: &mut Document, mask: Option<&str>) -> Result<(), XmlError> {
        if let Some(m) = mask {
            let bits = m.parse::<Ipv4Addr>().map(u32::from).ok();
            let contiguous = bits.is_some_and(|b| b.leading_ones() + b.trailing_zeros() == 32);
            if self.is_v6(doc) || !contiguous {
                return Err(XmlError::invalid(
                    "ip/@netmask",
                    m,
                    "is not an IPv4 netmask",
                ));
            }
        }
        access::set_attr_of(doc, self.0, "", &[], "netmask", mask, Check::Token)?;
        if mask.is_some() {
            doc.remove_attr(self.0, "prefix");
        }
        Ok(())
    }

    /// `prefix` as written.
    pub fn prefix(self, doc: &Document) -> Result<Option<u8>, XmlError> {
        access::num_of(doc, self.0, "", "prefix")
    }

    /// The prefix length: `prefix`, else counted from `netmask`.
    pub fn prefix_len(self, doc: &Document) -> Result<Option<u8>, XmlError> {
        if let Some(p) = self.prefix(doc)? {
            return Ok(Some(p));
        }
        let Some(mask) = self.netmask(doc) else {
            return Ok(None);
        };
        let bits = (mask.parse::<Ipv4Addr>())
            .map_err(|_| XmlError::invalid("ip/@netmask", &mask, "is not an IPv4 netmask"))?;
        Ok(Some(u32::from(bits).leading_ones() as u8))
    }

    /// Sets (`None`: removes) the prefix; it replaces a `netmask`.
    pub fn set_prefix(self, doc: &mut Document, prefix: Option<u8>) -> Result<(), XmlError> {
        if let Some(p) = prefix {
            check_prefix(p, self.is_v6(doc))?;
        }
        let v = prefix.map(|p| p.to_string());
        access::set_attr_of(doc, self.0, "", &[], "prefix", v.as_deref(), Check::Token)?;
        if prefix.is_some() {
            doc.remove_attr(self.0, "netmask");
        }
        Ok(())
    }

    fn dhcp(self, doc: &Document) -> Option<NodeId> {
        doc.first_element(self.0, "dhcp")
    }

    fn entries(self, doc: &Document, name: &str) -> Vec<NodeId> {
        self.dhcp(doc)
            .map(|d| doc.elements_named(d, name).collect())
            .unwrap_or_default()
    }

    /// The DHCP ranges, in document order.
    pub fn dhcp_ranges(self, doc: &Document) -> Vec<DhcpRange> {
        let a = |n, k| doc.attr(n, k).unwrap_or_default().into_owned();
        (self.entries(doc, "range").into_iter())
            .map(|r| DhcpRange {
                start: a(r, "start"),
                end: a(r, "end"),
            })
            .collect()
    }

    fn check_member(self, doc: &Document, field: &str, addr: &str) -> Result<(), XmlError> {
        let ip: IpAddr = check_ip(field, addr)?;
        if ip.is_ipv6() != self.is_v6(doc) {
            let reason = format!("is not an {} address", self.family(doc));
            return Err(XmlError::invalid(field, addr, reason));
        }
        Ok(())
    }

    /// Adds a DHCP range after the last one (`<dhcp>` is created if missing).
    pub fn add_dhcp_range(self, doc: &mut Document, range: &DhcpRange) -> Result<(), XmlError> {
        self.check_member(doc, "range/@start", &range.start)?;
        self.check_member(doc, "range/@end", &range.end)?;
        let el = self.insert(doc, "range")?;
        doc.set_attr(el, "start", &range.start)?;
        doc.set_attr(el, "end", &range.end)
    }

    /// Inserts a bare `<name/>` into `<dhcp>` (attributes are set once it is in place, so
    /// they take the quotes of their neighbours).
    fn insert(self, doc: &mut Document, name: &str) -> Result<NodeId, XmlError> {
        let dhcp = doc.ensure_element(self.0, "dhcp", IP_ORDER)?;
        let el = doc.create_element(name)?;
        doc.insert_ordered(dhcp, el, DHCP_ORDER)?;
        Ok(el)
    }

    /// Removes the range starting at `start`; whether there was one. A `<dhcp>` left empty
    /// is removed too.
    pub fn remove_dhcp_range(self, doc: &mut Document, start: &str) -> Result<bool, XmlError> {
        let found = (self.entries(doc, "range").into_iter())
            .find(|&r| doc.attr(r, "start").as_deref() == Some(start));
        self.remove_entry(doc, found)
    }

    fn remove_entry(self, doc: &mut Document, el: Option<NodeId>) -> Result<bool, XmlError> {
        let Some(el) = el else { return Ok(false) };
        doc.remove(el)?;
        if let Some(d) = self.dhcp(doc).filter(|&d| access::is_empty(doc, d)) {
            doc.remove(d)?;
        }
        Ok(true)
    }

    /// The DHCP hosts (fixed leases), in document order.
    pub fn dhcp_hosts(self, doc: &Document) -> Vec<DhcpHost> {
        let a = |n, k| doc.attr(n, k).map(Cow::into_owned);
        (self.entries(doc, "host").into_iter())
            .map(|h| DhcpHost {
                mac: a(h, "mac"),
                id: a(h, "id"),
                name: a(h, "name"),
                ip: a(h, "ip"),
            })
            .collect()
    }

    /// Adds a DHCP host after the last one. It needs a MAC, client id or name, and its IP
    /// (if any) must be of this element's family.
    pub fn add_dhcp_host(self, doc: &mut Document, host: &DhcpHost) -> Result<(), XmlError> {
        if let Some(m) = &host.mac {
            check_mac("host/@mac", m)?;
        }
        if let Some(ip) = &host.ip {
            self.check_member(doc, "host/@ip", ip)?;
        }
        for (k, v) in [("id", &host.id), ("name", &host.name)] {
            if let Some(v) = v {
                check_plain(&format!("host/@{k}"), v, &[' ', '\n', '\t'])?;
            }
        }
        if host.mac.is_none() && host.id.is_none() && host.name.is_none() {
            return Err(XmlError::invalid(
                "host",
                "",
                "needs a MAC address, id or name",
            ));
        }
        let el = self.insert(doc, "host")?;
        let attrs = [
            ("mac", &host.mac),
            ("id", &host.id),
            ("name", &host.name),
            ("ip", &host.ip),
        ];
        for (k, v) in attrs {
            if let Some(v) = v {
                doc.set_attr(el, k, v)?;
            }
        }
        Ok(())
    }

    /// Removes the first host whose MAC (any case), id, name or IP is `key`; whether there
    /// was one. A `<dhcp>` left empty is removed too.
    pub fn remove_dhcp_host(self, doc: &mut Document, key: &str) -> Result<bool, XmlError> {
        let found = (self.entries(doc, "host").into_iter()).find(|&h| {
            let is = |k| doc.attr(h, k).is_some_and(|v| v == key);
            doc.attr(h, "mac")
                .is_some_and(|m| m.eq_ignore_ascii_case(key))
                || is("id")
                || is("name")
                || is("ip")
        });
        self.remove_entry(doc, found)
    }
}

impl Network {
    /// The `<ip>` elements, in document order.
    pub fn ips(&self) -> Vec<NetworkIp> {
        (self.doc.elements_named(self.root(), "ip"))
            .map(NetworkIp)
            .collect()
    }

    /// Adds `<ip address=… prefix=…>` (with `family='ipv6'` for an IPv6 address) after the
    /// last `<ip>`, or where libvirt writes it.
    pub fn add_ip(&mut self, address: &str, prefix: u8) -> Result<NetworkIp, XmlError> {
        let v6 = check_ip("ip/@address", address)?.is_ipv6();
        check_prefix(prefix, v6)?;
        let el = self.doc.create_element("ip")?;
        let root = self.root();
        self.doc.insert_ordered(root, el, NETWORK_ORDER)?;
        if v6 {
            self.doc.set_attr(el, "family", "ipv6")?;
        }
        self.doc.set_attr(el, "address", address)?;
        self.doc.set_attr(el, "prefix", &prefix.to_string())?;
        Ok(NetworkIp(el))
    }

    /// Removes an `<ip>` of this network (with its DHCP settings).
    pub fn remove_ip(&mut self, ip: NetworkIp) -> Result<(), XmlError> {
        if self.doc.parent(ip.node()) != Some(self.root()) || self.doc.name(ip.node()) != Some("ip")
        {
            return Err(XmlError::InvalidNode("not an <ip> of this network"));
        }
        self.doc.remove(ip.node())
    }
}
