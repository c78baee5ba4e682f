// SPDX-License-Identifier: GPL-3.0-or-later
//! A read-only view of the host `<capabilities>` document (`virsh capabilities`,
//! `virConnectGetCapabilities`): the host CPU (arch, model, vendor, topology, features),
//! NUMA cells, migration support, and the guests the host can run: per OS type and
//! architecture the emulator, the machine types (with the canonical name an alias such as
//! `pc` or `q35` stands for) and the domain types (`kvm`, `qemu`). This is what the new-VM
//! wizard and the hardware dialogs may offer.
//!
//! Lists are returned as owned values read at the call; the document is never changed.

use std::borrow::Cow;

use super::devices::access;
use super::domain::CpuTopology;
use super::field::{child_text, opt_num};
use super::network::document_view;
use super::{Document, NodeId, XmlError};

/// One `<machine>` of a guest architecture or domain type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// The name as listed (`pc-q35-9.2`, or an alias such as `q35`).
    pub name: String,
    /// For an alias, the versioned machine it stands for.
    pub canonical: Option<String>,
    pub max_cpus: Option<u32>,
    pub deprecated: bool,
}

/// One `<domain type=…>` a guest architecture supports, with its own emulator and
/// machines when they differ from the architecture's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestDomain {
    pub domain_type: String,
    pub emulator: Option<String>,
    pub machines: Vec<Machine>,
}

/// One `<guest>`: an OS type on an architecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guest {
    /// `hvm` (full virtualisation), `xen`, `linux`, `exe` …
    pub os_type: String,
    pub arch: String,
    pub wordsize: Option<u32>,
    pub emulator: Option<String>,
    pub machines: Vec<Machine>,
    pub domains: Vec<GuestDomain>,
    /// The names of the elements of `<features>` (`acpi`, `apic`, `pae` …).
    pub features: Vec<String>,
}

impl Guest {
    /// The domain types (`kvm`, `qemu`, `test` …), in document order.
    pub fn domain_types(&self) -> Vec<&str> {
        self.domains
            .iter()
            .map(|d| d.domain_type.as_str())
            .collect()
    }

    fn domain(&self, domain_type: &str) -> Option<&GuestDomain> {
        self.domains.iter().find(|d| d.domain_type == domain_type)
    }

    /// The machines for `domain_type`: its own list if it has one, else the arch's.
    pub fn machines_for(&self, domain_type: &str) -> &[Machine] {
        match self.domain(domain_type) {
            Some(d) if !d.machines.is_empty() => &d.machines,
            _ => &self.machines,
        }
    }

    /// The emulator for `domain_type`: its own if given, else the arch's.
    pub fn emulator_for(&self, domain_type: &str) -> Option<&str> {
        (self.domain(domain_type).and_then(|d| d.emulator.as_deref())).or(self.emulator.as_deref())
    }

    /// The canonical name of machine `name` (an alias resolved, a versioned name as is);
    /// `None` if the arch does not list it.
    pub fn canonical_machine(&self, name: &str) -> Option<&str> {
        let all = self
            .machines
            .iter()
            .chain(self.domains.iter().flat_map(|d| &d.machines));
        let m = all.into_iter().find(|m| m.name == name)?;
        Some(m.canonical.as_deref().unwrap_or(&m.name))
    }
}

document_view!(
    /// The host `<capabilities>` document (read-only).
    Capabilities,
    "capabilities"
);

fn machines(doc: &Document, el: NodeId) -> Result<Vec<Machine>, XmlError> {
    (doc.elements_named(el, "machine"))
        .map(|m| {
            Ok(Machine {
                name: doc.text(m).unwrap_or_default().trim().to_owned(),
                canonical: doc.attr(m, "canonical").map(Cow::into_owned),
                max_cpus: opt_num("machine/@maxCpus", doc.attr(m, "maxCpus"))?,
                deprecated: doc.attr(m, "deprecated").as_deref() == Some("yes"),
            })
        })
        .collect()
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(|t| t.trim().to_owned())
}

impl Capabilities {
    fn host_cpu(&self) -> Option<NodeId> {
        self.doc.find(self.root(), "host/cpu")
    }

    /// The host's UUID.
    pub fn host_uuid(&self) -> Option<String> {
        owned(self.doc.text_at(self.root(), "host/uuid"))
    }

    /// The host CPU architecture (`x86_64`, `aarch64`).
    pub fn host_arch(&self) -> Option<String> {
        owned(child_text(&self.doc, self.host_cpu()?, "arch"))
    }

    /// The named CPU model closest to the host's (`Skylake-Server-v1`).
    pub fn host_cpu_model(&self) -> Option<String> {
        owned(child_text(&self.doc, self.host_cpu()?, "model"))
    }

    pub fn host_cpu_vendor(&self) -> Option<String> {
        owned(child_text(&self.doc, self.host_cpu()?, "vendor"))
    }

    /// The host CPU's `<topology>`; `None` if absent or incomplete.
    pub fn host_topology(&self) -> Result<Option<CpuTopology>, XmlError> {
        let Some(cpu) = self.host_cpu() else {
            return Ok(None);
        };
        let n = |a: &str| access::num_of::<u32>(&self.doc, cpu, "topology", a);
        let (sockets, dies, cores, threads) =
            (n("sockets")?, n("dies")?, n("cores")?, n("threads")?);
        Ok(match (sockets, cores, threads) {
            (Some(sockets), Some(cores), Some(threads)) => Some(CpuTopology {
                sockets,
                dies,
                cores,
                threads,
            }),
            _ => None,
        })
    }

    /// The names of the host CPU's `<feature>`s.
    pub fn host_cpu_features(&self) -> Vec<String> {
        let Some(cpu) = self.host_cpu() else {
            return Vec::new();
        };
        (self.doc.elements_named(cpu, "feature"))
            .filter_map(|f| self.doc.attr(f, "name").map(Cow::into_owned))
            .collect()
    }

    /// The number of NUMA cells (`<cells num=…>`, else the cells listed); `None` without
    /// a `<topology>`.
    pub fn numa_cells(&self) -> Result<Option<u32>, XmlError> {
        let Some(cells) = self.doc.find(self.root(), "host/topology/cells") else {
            return Ok(None);
        };
        match opt_num("cells/@num", self.doc.attr(cells, "num"))? {
            Some(n) => Ok(Some(n)),
            None => Ok(Some(self.doc.elements_named(cells, "cell").count() as u32)),
        }
    }

    /// Whether the host supports live migration (`<migration_features><live/>`).
    pub fn migration_live(&self) -> bool {
        self.doc
            .find(self.root(), "host/migration_features/live")
            .is_some()
    }

    /// The migration URI transports (`tcp`, `rdma`).
    pub fn migration_transports(&self) -> Vec<String> {
        let path = "host/migration_features/uri_transports/uri_transport";
        (self.doc.find_all(self.root(), path).into_iter())
            .filter_map(|t| owned(self.doc.text(t)))
            .collect()
    }

    /// Every `<guest>`, in document order.
    pub fn guests(&self) -> Result<Vec<Guest>, XmlError> {
        let d = &self.doc;
        (d.elements_named(self.root(), "guest"))
            .map(|g| {
                let arch = d.first_element(g, "arch");
                let text = |name: &str| owned(arch.and_then(|a| child_text(d, a, name)));
                let domains = arch
                    .map(|a| d.elements_named(a, "domain").collect::<Vec<_>>())
                    .unwrap_or_default();
                Ok(Guest {
                    os_type: owned(child_text(d, g, "os_type")).unwrap_or_default(),
                    arch: arch
                        .and_then(|a| d.attr(a, "name"))
                        .unwrap_or_default()
                        .into_owned(),
                    wordsize: opt_num("arch/wordsize", text("wordsize").map(Cow::Owned))?,
                    emulator: text("emulator"),
                    machines: arch
                        .map(|a| machines(d, a))
                        .transpose()?
                        .unwrap_or_default(),
                    domains: (domains.into_iter())
                        .map(|dom| {
                            Ok(GuestDomain {
                                domain_type: d.attr(dom, "type").unwrap_or_default().into_owned(),
                                emulator: owned(child_text(d, dom, "emulator")),
                                machines: machines(d, dom)?,
                            })
                        })
                        .collect::<Result<_, XmlError>>()?,
                    features: (d.first_element(g, "features").into_iter())
                        .flat_map(|f| d.elements(f))
                        .filter_map(|f| d.name(f).map(str::to_owned))
                        .collect(),
                })
            })
            .collect()
    }

    /// The guest for `os_type` on `arch`, if the host has one.
    pub fn guest(&self, os_type: &str, arch: &str) -> Result<Option<Guest>, XmlError> {
        Ok((self.guests()?.into_iter()).find(|g| g.os_type == os_type && g.arch == arch))
    }

    /// The architectures offered for `os_type` with `domain_type` (`hvm`, `kvm`).
    pub fn arches_for(&self, os_type: &str, domain_type: &str) -> Result<Vec<String>, XmlError> {
        Ok((self.guests()?.into_iter())
            .filter(|g| g.os_type == os_type && g.domain_types().contains(&domain_type))
            .map(|g| g.arch)
            .collect())
    }
}
