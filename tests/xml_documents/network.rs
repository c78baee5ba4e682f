// SPDX-License-Identifier: GPL-3.0-or-later
//! Network view: the network fixtures read, edited and defined on the test driver.

use super::{changes, node, xmlparse};
use vireo::xml::network::{DhcpHost, DhcpRange};
use vireo::xml::Network;

#[test]
fn network_reads_the_multi_range_fixture() {
    let net = Network::parse(&xmlparse("network-multi-in.xml")).unwrap();
    let doc = net.document();
    assert_eq!(net.name().as_deref(), Some("ipv6_multirange"));
    assert_eq!(net.forward_mode().as_deref(), Some("nat"));
    assert_eq!(net.bridge_name().as_deref(), Some("virbr3"));
    assert_eq!(
        (net.bridge_stp(), net.bridge_delay()),
        (Ok(Some(true)), Ok(Some(0)))
    );
    assert_eq!(net.domain_name().as_deref(), Some("net7"));
    let ips = net.ips();
    assert_eq!(ips.len(), 4);
    assert_eq!(ips[0].prefix_len(doc), Ok(Some(24)));
    assert_eq!(ips[1].family(doc), "ipv6");
    assert_eq!(ips[1].prefix(doc), Ok(Some(64)));
    let hosts = ips[1].dhcp_hosts(doc);
    assert_eq!(
        hosts[0].id.as_deref(),
        Some("00:03:00:01:52:54:00:60:7d:5d")
    );
    assert_eq!(hosts[1].ip.as_deref(), Some("fd00:beef:10:7::7:4"));
    assert!(ips[2].dhcp_ranges(doc).is_empty());
    let open = Network::parse(&xmlparse("network-open-in.xml")).unwrap();
    assert_eq!(open.uuid(), None);
    assert_eq!(open.mtu(), Ok(None));
    let vf = Network::parse(&xmlparse("network-vf-pool-in.xml")).unwrap();
    assert_eq!(vf.forward_mode().as_deref(), Some("hostdev"));
    assert!(vf.ips().is_empty());
}

#[test]
fn network_edit_changes_exactly_its_fields_and_libvirt_takes_it() {
    let input = xmlparse("network-multi-in.xml");
    let mut net = Network::parse(&input).unwrap();
    net.set_name("new-foo").unwrap();
    net.set_uuid("41b4afe4-87bb-8087-6724-5e208a2d1111")
        .unwrap();
    net.set_forward_mode(Some("route")).unwrap();
    net.set_forward_dev(Some("eth22")).unwrap();
    net.set_bridge_name(Some("virbr3new")).unwrap();
    net.set_bridge_stp(Some(false)).unwrap();
    net.set_bridge_delay(Some(2)).unwrap();
    net.set_domain_name(Some("newdom")).unwrap();
    net.set_mac(Some("52:54:00:69:eb:ff")).unwrap();
    net.set_mtu(Some(9000)).unwrap();
    let ips = net.ips();
    let doc = net.document_mut();
    ips[0].set_address(doc, "192.168.8.1").unwrap();
    ips[0].set_netmask(doc, Some("255.255.254.0")).unwrap();
    assert!(ips[0].remove_dhcp_range(doc, "192.168.7.128").unwrap());
    let range = DhcpRange {
        start: "192.168.8.128".into(),
        end: "192.168.8.254".into(),
    };
    ips[0].add_dhcp_range(doc, &range).unwrap();
    assert!(ips[0].remove_dhcp_host(doc, "badbob").unwrap());
    let host = DhcpHost {
        mac: Some("52:54:00:69:eb:92".into()),
        name: Some("newname".into()),
        ip: Some("192.168.8.3".into()),
        ..DhcpHost::default()
    };
    ips[0].add_dhcp_host(doc, &host).unwrap();
    ips[1].set_prefix(doc, Some(63)).unwrap();
    assert_eq!(
        changes(&input, &net.to_xml()),
        [
            "~/network/name/text()",
            "~/network/uuid/text()",
            "~/network/forward/@mode",
            "+/network/forward/@dev",
            "~/network/bridge/@name",
            "~/network/bridge/@stp",
            "~/network/bridge/@delay",
            "~/network/domain/@name",
            "~/network/ip[1]/@address",
            "~/network/ip[1]/@netmask",
            "~/network/ip[1]/dhcp/range/@start",
            "~/network/ip[1]/dhcp/range/@end",
            "~/network/ip[1]/dhcp/host[2]/@mac",
            "~/network/ip[1]/dhcp/host[2]/@name",
            "~/network/ip[1]/dhcp/host[2]/@ip",
            "~/network/ip[2]/@prefix",
            "+/network/mtu",
            "+/network/mac",
        ],
        "{}",
        net.to_xml()
    );
    // The new elements sit where libvirt writes them, indented like their neighbours.
    assert!(net.to_xml().contains(
        "<bridge name=\"virbr3new\" stp=\"off\" delay=\"2\" />\n  <mtu size=\"9000\"/>\n  \
         <mac address=\"52:54:00:69:eb:ff\"/>\n  <domain name=\"newdom\"/>"
    ));

    let conn = node("doc-net-edit", 0);
    let defined = conn.define_network_xml(&net.to_xml()).unwrap();
    let back = Network::parse(&defined.xml_desc(0).unwrap()).unwrap();
    drop(conn);
    assert_eq!(back.name().as_deref(), Some("new-foo"));
    assert_eq!(
        back.uuid().as_deref(),
        Some("41b4afe4-87bb-8087-6724-5e208a2d1111")
    );
    assert_eq!(back.forward_mode().as_deref(), Some("route"));
    assert_eq!(back.forward_dev().as_deref(), Some("eth22"));
    assert_eq!(back.bridge_name().as_deref(), Some("virbr3new"));
    assert_eq!(
        (back.bridge_stp(), back.bridge_delay()),
        (Ok(Some(false)), Ok(Some(2)))
    );
    assert_eq!(back.mac().as_deref(), Some("52:54:00:69:eb:ff"));
    assert_eq!(back.domain_name().as_deref(), Some("newdom"));
    assert_eq!(back.mtu(), Ok(Some(9000)));
    let (bdoc, bips) = (back.document(), back.ips());
    assert_eq!(bips[0].address(bdoc).as_deref(), Some("192.168.8.1"));
    assert_eq!(bips[0].prefix_len(bdoc), Ok(Some(23)));
    assert_eq!(bips[0].dhcp_ranges(bdoc), [range]);
    assert_eq!(bips[0].dhcp_hosts(bdoc)[1], host);
    assert_eq!(bips[1].prefix(bdoc), Ok(Some(63)));
}

#[test]
fn network_isolate_and_add_an_ipv6_subnet() {
    let input = xmlparse("network-open-in.xml");
    let mut net = Network::parse(&input).unwrap();
    net.set_forward_mode(None).unwrap();
    let ip6 = net.add_ip("fd00:abcd::1", 64).unwrap();
    let range = DhcpRange {
        start: "fd00:abcd::100".into(),
        end: "fd00:abcd::1ff".into(),
    };
    ip6.add_dhcp_range(net.document_mut(), &range).unwrap();
    assert_eq!(
        changes(&input, &net.to_xml()),
        ["-/network/forward", "+/network/ip[2]"]
    );
    // The range takes libvirt's quote: its new <dhcp> has no quoted neighbour to copy.
    assert!(net.to_xml().ends_with(
        "  </ip>\n  <ip family=\"ipv6\" address=\"fd00:abcd::1\" prefix=\"64\">\n    <dhcp>\n      \
         <range start='fd00:abcd::100' end='fd00:abcd::1ff'/>\n    </dhcp>\n  </ip>\n</network>\n"
    ), "{}", net.to_xml());

    let conn = node("doc-net-isolated", 0);
    let back = conn.define_network_xml(&net.to_xml()).unwrap();
    let back = Network::parse(&back.xml_desc(0).unwrap()).unwrap();
    drop(conn);
    assert_eq!(back.forward_mode(), None);
    let ips = back.ips();
    assert_eq!(ips.len(), 2);
    assert_eq!(ips[1].family(back.document()), "ipv6");
    assert_eq!(ips[1].dhcp_ranges(back.document()), [range]);
    // Removing what was added, and putting <forward> back, gives the input again.
    net.remove_ip(ip6).unwrap();
    net.set_forward_mode(Some("open")).unwrap();
    assert_eq!(changes(&input, &net.to_xml()), Vec::<String>::new());
}

#[test]
fn network_dns_hosts_are_listed() {
    let mut net = Network::parse(
        "<network>\n  <name>dns</name>\n  <dns>\n    <host ip='192.168.122.2'>\n      \
         <hostname>myhost</hostname>\n      <hostname>myhostalias</hostname>\n    </host>\n  \
         </dns>\n  <ip address='192.168.122.1' prefix='24'/>\n</network>\n",
    )
    .unwrap();
    let want = [vireo::xml::network::DnsHost {
        ip: "192.168.122.2".into(),
        hostnames: vec!["myhost".into(), "myhostalias".into()],
    }];
    assert_eq!(net.dns_hosts(), want);
    net.set_mtu(Some(1400)).unwrap();
    let conn = node("doc-net-dns", 0);
    let back = conn.define_network_xml(&net.to_xml()).unwrap();
    let back = Network::parse(&back.xml_desc(0).unwrap()).unwrap();
    assert_eq!(back.dns_hosts(), want);
    assert_eq!(back.mtu(), Ok(Some(1400)));
}

#[test]
fn network_refuses_bad_values_and_stays_unchanged() {
    let input = xmlparse("network-multi-in.xml");
    let mut net = Network::parse(&input).unwrap();
    assert!(net.set_uuid("41b4afe4").is_err());
    assert!(net.set_mac(Some("52:54:00:69:eb")).is_err());
    assert!(net.set_bridge_name(Some("a-much-too-long-bridge")).is_err());
    assert!(net.set_mtu(Some(0)).is_err());
    assert!(net.set_name("a/b").is_err());
    assert!(net.add_ip("192.168.1.1", 33).is_err());
    assert!(net.add_ip("not-an-ip", 24).is_err());
    let ips = net.ips();
    let doc = net.document_mut();
    assert!(ips[0].set_netmask(doc, Some("255.0.255.0")).is_err());
    assert!(
        ips[0].set_address(doc, "fd00::1").is_err(),
        "family mismatch"
    );
    assert!(ips[1].set_prefix(doc, Some(129)).is_err());
    let v6 = DhcpRange {
        start: "fd00::1".into(),
        end: "fd00::2".into(),
    };
    assert!(ips[0].add_dhcp_range(doc, &v6).is_err());
    assert!(ips[0].add_dhcp_host(doc, &DhcpHost::default()).is_err());
    assert!(!ips[0].remove_dhcp_host(doc, "nobody").unwrap());
    assert_eq!(net.to_xml(), input);
}
