// SPDX-License-Identifier: GPL-3.0-or-later
//! Host capabilities and domain capabilities: the qemu samples saved from this machine
//! (`virsh -c qemu:///system capabilities`, `… domcapabilities --virttype qemu`) and the
//! test driver's own documents, fetched live.

use super::data;
use vireo::xml::domain::CpuTopology;
use vireo::xml::{Capabilities, DomainCapabilities};

fn test_driver() -> virt::connect::Connect {
    virt::connect::Connect::open(Some("test:///default")).unwrap()
}

#[test]
fn qemu_capabilities_sample() {
    let caps = Capabilities::parse(&data("qemu-capabilities.xml")).unwrap();
    assert_eq!(caps.host_arch().as_deref(), Some("x86_64"));
    assert_eq!(caps.host_cpu_model().as_deref(), Some("Skylake-Server-v1"));
    assert_eq!(caps.host_cpu_vendor().as_deref(), Some("Intel"));
    let topology = CpuTopology {
        sockets: 1,
        dies: Some(1),
        cores: 2,
        threads: 1,
    };
    assert_eq!(caps.host_topology(), Ok(Some(topology)));
    assert!(caps.host_cpu_features().iter().any(|f| f == "avx512vnni"));
    assert_eq!(caps.numa_cells(), Ok(Some(1)));
    assert!(caps.migration_live());
    assert_eq!(caps.migration_transports(), ["tcp", "rdma"]);
    assert!(caps.host_uuid().is_some());

    let guests = caps.guests().unwrap();
    let arches: Vec<(&str, &str)> = (guests.iter())
        .map(|g| (g.os_type.as_str(), g.arch.as_str()))
        .collect();
    assert_eq!(arches, [("hvm", "i686"), ("hvm", "x86_64")]);
    let x86 = caps.guest("hvm", "x86_64").unwrap().unwrap();
    assert_eq!(x86.wordsize, Some(64));
    assert_eq!(x86.domain_types(), ["qemu", "kvm"]);
    assert_eq!(x86.emulator_for("kvm"), Some("/usr/bin/qemu-system-x86_64"));
    let names: Vec<&str> = x86
        .machines_for("kvm")
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    for m in [
        "pc",
        "q35",
        "pc-q35-10.0",
        "pc-i440fx-10.0",
        "microvm",
        "isapc",
    ] {
        assert!(names.contains(&m), "{m} in {names:?}");
    }
    assert_eq!(x86.canonical_machine("q35"), Some("pc-q35-10.0"));
    assert_eq!(x86.canonical_machine("pc"), Some("pc-i440fx-10.0"));
    assert_eq!(x86.canonical_machine("pc-q35-8.0"), Some("pc-q35-8.0"));
    assert_eq!(x86.canonical_machine("virt"), None);
    let q35 = x86
        .machines
        .iter()
        .find(|m| m.name == "pc-q35-9.1")
        .unwrap();
    assert_eq!((q35.max_cpus, q35.deprecated), (Some(4096), false));
    assert!(x86.machines.iter().any(|m| m.deprecated));
    assert!(x86.features.iter().any(|f| f == "acpi"));
    assert_eq!(caps.arches_for("hvm", "kvm").unwrap(), ["i686", "x86_64"]);
    assert!(caps.arches_for("xen", "kvm").unwrap().is_empty());
}

#[test]
fn test_driver_capabilities() {
    let text = test_driver().capabilities().unwrap();
    let caps = Capabilities::parse(&text).unwrap();
    assert_eq!(caps.to_xml(), text, "libvirt's own text round-trips");
    assert_eq!(caps.host_arch().as_deref(), Some("i686"));
    assert_eq!(caps.host_cpu_model(), None);
    assert_eq!(caps.host_topology(), Ok(None));
    assert_eq!(caps.numa_cells(), Ok(Some(2)));
    assert!(!caps.migration_live());
    assert!(caps.migration_transports().is_empty());
    let guests = caps.guests().unwrap();
    let os: Vec<&str> = guests.iter().map(|g| g.os_type.as_str()).collect();
    assert_eq!(os, ["hvm", "xen"]);
    for g in &guests {
        assert_eq!(g.arch, "i686");
        assert_eq!(g.domain_types(), ["test"]);
        assert_eq!(g.emulator_for("test"), Some("/usr/bin/test-hv"));
        assert!(g.machines.is_empty());
    }
}

#[test]
fn qemu_domain_capabilities_sample() {
    let dc = DomainCapabilities::parse(&data("qemu-domcapabilities.xml")).unwrap();
    assert_eq!(dc.path().as_deref(), Some("/usr/bin/qemu-system-x86_64"));
    assert_eq!(dc.domain_type().as_deref(), Some("qemu"));
    assert_eq!(dc.machine().as_deref(), Some("pc-i440fx-10.0"));
    assert_eq!(dc.arch().as_deref(), Some("x86_64"));
    assert_eq!(dc.vcpu_max(), Ok(Some(255)));
    assert_eq!(dc.supported("iothreads"), Some(true));
    assert_eq!(dc.supported("os"), Some(true));
    assert_eq!(dc.firmware_values(), ["efi"]);
    assert_eq!(dc.loader_paths(), ["/usr/share/OVMF/OVMF_CODE_4M.fd"]);
    assert_eq!(dc.loader_values("type"), ["rom", "pflash"]);
    assert_eq!(dc.loader_values("secure"), ["no"]);

    let modes: Vec<(String, bool)> = (dc.cpu_modes().into_iter())
        .map(|m| (m.name, m.supported))
        .collect();
    assert_eq!(
        modes,
        [
            ("host-passthrough".into(), false),
            ("maximum".into(), true),
            ("host-model".into(), true),
            ("custom".into(), true),
        ]
    );
    assert_eq!(dc.cpu_mode_supported("host-passthrough"), Some(false));
    assert_eq!(
        dc.enum_values_at("cpu/mode", "maximumMigratable"),
        ["on", "off"]
    );
    let host = dc.host_model().unwrap();
    assert_eq!(host.model.as_deref(), Some("EPYC"));
    assert_eq!(host.fallback.as_deref(), Some("forbid"));
    let models = dc.custom_models();
    assert_eq!(models.len(), 145);
    let qemu64 = models.iter().find(|m| m.name == "qemu64").unwrap();
    assert!(qemu64.is_usable());
    let broadwell = models.iter().find(|m| m.name == "Broadwell").unwrap();
    assert_eq!(broadwell.usable.as_deref(), Some("no"));
    assert_eq!(broadwell.canonical.as_deref(), Some("Broadwell-v1"));
    assert_eq!(broadwell.vendor.as_deref(), Some("Intel"));

    assert!(dc.enum_values("disk", "bus").contains(&"virtio".to_owned()));
    assert_eq!(
        dc.enum_values("disk", "diskDevice"),
        ["disk", "cdrom", "floppy", "lun"]
    );
    assert!(dc
        .enum_values("graphics", "type")
        .contains(&"spice".to_owned()));
    assert!(dc
        .enum_values("video", "modelType")
        .contains(&"virtio".to_owned()));
    assert_eq!(
        dc.enum_values("hostdev", "subsysType"),
        ["usb", "pci", "scsi"]
    );
    assert!(
        dc.enum_values("hostdev", "capsType").is_empty(),
        "an empty enum"
    );
    assert_eq!(dc.enum_values("tpm", "model"), ["tpm-tis", "tpm-crb"]);
    assert!(dc.enum_values("disk", "nonsense").is_empty());
    assert!(dc.enum_values("nonsense", "bus").is_empty());
    assert_eq!(dc.enum_names_at("devices/rng"), ["model", "backendModel"]);
    let classes = dc.device_classes();
    assert_eq!(classes.first().map(String::as_str), Some("disk"));
    assert!(classes.iter().any(|c| c == "panic"));
    assert_eq!(dc.device_supported("disk"), Some(true));
    assert_eq!(dc.device_supported("nonsense"), None);
    assert_eq!(dc.feature_supported("sev"), Some(false));
    assert_eq!(dc.feature_supported("vmcoreinfo"), Some(true));
    assert_eq!(
        dc.enum_values_at("features/hyperv", "features"),
        ["spinlocks", "vendor_id"]
    );
    assert_eq!(
        dc.enum_values_at("memoryBacking", "sourceType"),
        ["file", "anonymous", "memfd"]
    );
}

#[test]
fn test_driver_domain_capabilities() {
    let text = test_driver()
        .domain_capabilities(None, None, None, None, 0)
        .unwrap();
    let dc = DomainCapabilities::parse(&text).unwrap();
    assert_eq!(dc.to_xml(), text, "libvirt's own text round-trips");
    assert_eq!(dc.domain_type().as_deref(), Some("test"));
    assert_eq!(dc.arch().as_deref(), Some("i686"));
    assert_eq!((dc.path(), dc.machine()), (None, None));
    assert_eq!(dc.vcpu_max(), Ok(None));
    assert!(dc.cpu_modes().iter().all(|m| !m.supported));
    assert_eq!(dc.cpu_modes().len(), 4);
    assert_eq!(dc.host_model(), None);
    assert!(dc.custom_models().is_empty());
    assert!(dc.firmware_values().is_empty() && dc.loader_paths().is_empty());
    assert!(dc.device_classes().is_empty());
    assert!(dc.enum_values("disk", "bus").is_empty());
    assert_eq!(dc.feature_supported("sev"), Some(false));
}
