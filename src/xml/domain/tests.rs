// SPDX-License-Identifier: GPL-3.0-or-later
//! Unit tests of the domain view: reading fields, validation of values, placement of
//! created elements. Whole-document edits against fixtures and libvirt are in
//! `tests/xml_edit.rs`.

use super::*;

const MINIMAL: &str = "<domain type='kvm'>\n  <name>vm</name>\n  <memory unit='MiB'>512</memory>\n  <vcpu>2</vcpu>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <devices>\n  </devices>\n</domain>\n";

#[test]
fn reads_fields() {
    let d = Domain::parse(MINIMAL).unwrap();
    assert_eq!(d.domain_type().as_deref(), Some("kvm"));
    assert_eq!(d.name().as_deref(), Some("vm"));
    assert_eq!(d.title(), None);
    assert_eq!(d.memory(), Ok(Some(512 * 1024)));
    assert_eq!(d.memory_size(), Ok(Some(Size::new(512, Unit::MiB))));
    assert_eq!(d.current_memory(), Ok(None));
    assert_eq!(d.vcpus(), Ok(Some(Vcpus { max: 2, current: 2 })));
    assert_eq!(d.os_type().as_deref(), Some("hvm"));
    assert_eq!(d.os_arch().as_deref(), Some("x86_64"));
    assert_eq!(d.os_machine().as_deref(), Some("q35"));
    assert_eq!(d.on_crash(), Ok(None));
}

#[test]
fn wrong_root_is_refused() {
    let e = Domain::parse("<network/>").unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a <domain> document, found <network>"
    );
}

#[test]
fn bad_values_name_the_field() {
    let d = Domain::parse("<domain><memory unit='GiB'>1a2</memory><vcpu current='x'>2</vcpu><on_reboot>coredump-destroy</on_reboot></domain>").unwrap();
    let e = d.memory().unwrap_err();
    assert_eq!(e.to_string(), "memory: “1a2 GiB” “1a2” is not a number");
    assert!(d
        .vcpus()
        .unwrap_err()
        .to_string()
        .starts_with("vcpu/@current"));
    assert!(d.on_reboot().is_err());
    let d = Domain::parse("<domain><memory unit='parsec'>1</memory></domain>").unwrap();
    assert!(d
        .memory()
        .unwrap_err()
        .to_string()
        .contains("“parsec” is not a unit"));
}

#[test]
fn setters_validate() {
    let mut d = Domain::parse(MINIMAL).unwrap();
    let before = d.to_xml();
    assert!(d.set_name("").is_err());
    assert!(d.set_name("a/b").is_err());
    assert!(d.set_title("two\nlines").is_err());
    assert!(d.set_uuid("not-a-uuid").is_err());
    assert!(d.set_uuid("4a64cc71-19c4-2fd0-2323-3050941ea3c").is_err());
    assert!(d.set_memory(Size::new(0, Unit::MiB)).is_err());
    assert!(d.set_memory(Size::new(u64::MAX, Unit::GiB)).is_err());
    assert!(d.set_vcpus(0, None).is_err());
    assert!(d.set_vcpus(2, Some(3)).is_err());
    assert!(d.set_on_poweroff(LifecycleAction::CoredumpRestart).is_err());
    assert!(d.set_title("bad \u{1} char").is_err());
    assert_eq!(d.to_xml(), before, "a refused value changes nothing");
}

#[test]
fn created_elements_go_where_libvirt_puts_them() {
    let mut d = Domain::parse(MINIMAL).unwrap();
    d.set_title("T").unwrap();
    d.set_uuid("4a64cc71-19c4-2fd0-2323-3050941ea3c3").unwrap();
    d.set_current_memory(Size::new(256, Unit::MiB)).unwrap();
    d.set_on_crash(LifecycleAction::CoredumpRestart).unwrap();
    d.set_description("D & more").unwrap();
    let expected = "<domain type='kvm'>\n  <name>vm</name>\n  <uuid>4a64cc71-19c4-2fd0-2323-3050941ea3c3</uuid>\n  <title>T</title>\n  <description>D &amp; more</description>\n  <memory unit='MiB'>512</memory>\n  <currentMemory unit='MiB'>256</currentMemory>\n  <vcpu>2</vcpu>\n  <os>\n    <type arch='x86_64' machine='q35'>hvm</type>\n  </os>\n  <on_crash>coredump-restart</on_crash>\n  <devices>\n  </devices>\n</domain>\n";
    assert_eq!(d.to_xml(), expected);
    d.set_title("").unwrap();
    d.set_description("").unwrap();
    assert!(!d.to_xml().contains("title") && !d.to_xml().contains("description"));
}

#[test]
fn vcpu_current_attribute() {
    let mut d = Domain::parse(MINIMAL).unwrap();
    d.set_vcpus(4, Some(2)).unwrap();
    assert!(d.to_xml().contains("<vcpu current='2'>4</vcpu>"));
    assert_eq!(d.vcpus(), Ok(Some(Vcpus { max: 4, current: 2 })));
    d.set_vcpus(4, Some(4)).unwrap();
    assert!(d.to_xml().contains("<vcpu>4</vcpu>"));
}

#[test]
fn os_is_created_when_missing() {
    let mut d = Domain::parse(
        "<domain type='test'>\n  <name>x</name>\n  <memory>1024</memory>\n  <devices/>\n</domain>",
    )
    .unwrap();
    d.set_os_arch("x86_64").unwrap();
    d.set_os_type("hvm").unwrap();
    assert_eq!(
        d.to_xml(),
        "<domain type='test'>\n  <name>x</name>\n  <memory>1024</memory>\n  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices/>\n</domain>"
    );
}
