// SPDX-License-Identifier: GPL-3.0-or-later
//! `<cpu>`: mode, model, topology (sockets, dies, cores, threads) and features with their
//! policy. NUMA cells, cache, vendor and the rest are kept as written.

use std::borrow::Cow;

use super::{Domain, DOMAIN_ORDER};
use crate::xml::devices::access::{self, Check};
use crate::xml::field::{child_text, set_child_text};
use crate::xml::{NodeId, XmlError};

/// libvirt's order of the children of `<cpu>`.
pub const CPU_ORDER: &[&str] = &[
    "model",
    "vendor",
    "topology",
    "cache",
    "maxphysaddr",
    "feature",
    "numa",
];

/// `<topology sockets= dies= cores= threads=>`; `dies` absent means 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTopology {
    pub sockets: u32,
    pub dies: Option<u32>,
    pub cores: u32,
    pub threads: u32,
}

impl CpuTopology {
    /// The number of vCPUs this topology describes.
    pub fn total(&self) -> u64 {
        u64::from(self.sockets)
            * u64::from(self.dies.unwrap_or(1))
            * u64::from(self.cores)
            * u64::from(self.threads)
    }
}

impl Domain {
    fn cpu(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "cpu")
    }

    fn ensure_cpu(&mut self) -> Result<NodeId, XmlError> {
        let root = self.root();
        self.doc.ensure_element(root, "cpu", DOMAIN_ORDER)
    }

    /// `<cpu mode=…>`: `custom`, `host-model`, `host-passthrough`, `maximum`.
    pub fn cpu_mode(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.cpu()?, "mode")
    }

    pub fn set_cpu_mode(&mut self, mode: &str) -> Result<(), XmlError> {
        access::check("cpu/@mode", mode, Check::Token)?;
        let cpu = self.ensure_cpu()?;
        self.doc.set_attr(cpu, "mode", mode)
    }

    /// The named CPU model (`<cpu><model>`).
    pub fn cpu_model(&self) -> Option<Cow<'_, str>> {
        child_text(&self.doc, self.cpu()?, "model")
    }

    /// Sets (`None`: removes) the CPU model; other `<model>` attributes (fallback) stay.
    pub fn set_cpu_model(&mut self, model: Option<&str>) -> Result<(), XmlError> {
        if let Some(m) = model {
            access::check("cpu/model", m, Check::Token)?;
        } else if self.cpu().is_none() {
            return Ok(());
        }
        let cpu = self.ensure_cpu()?;
        set_child_text(&mut self.doc, cpu, "model", model, CPU_ORDER)
    }

    /// `<topology>`, if present.
    pub fn cpu_topology(&self) -> Result<Option<CpuTopology>, XmlError> {
        let Some(t) = self
            .cpu()
            .and_then(|c| self.doc.first_element(c, "topology"))
        else {
            return Ok(None);
        };
        let n = |k: &str| access::num_of::<u32>(&self.doc, t, "", k);
        Ok(Some(CpuTopology {
            sockets: n("sockets")?.unwrap_or(1),
            dies: n("dies")?,
            cores: n("cores")?.unwrap_or(1),
            threads: n("threads")?.unwrap_or(1),
        }))
    }

    /// Sets (`None`: removes) the topology; every count must be at least 1.
    pub fn set_cpu_topology(&mut self, topo: Option<CpuTopology>) -> Result<(), XmlError> {
        let Some(t) = topo else {
            return match self
                .cpu()
                .and_then(|c| self.doc.first_element(c, "topology"))
            {
                Some(el) => self.doc.remove(el),
                None => Ok(()),
            };
        };
        if [t.sockets, t.dies.unwrap_or(1), t.cores, t.threads].contains(&0) {
            return Err(XmlError::invalid(
                "cpu/topology",
                "0",
                "counts must be 1 or more",
            ));
        }
        let cpu = self.ensure_cpu()?;
        let el = self.doc.ensure_element(cpu, "topology", CPU_ORDER)?;
        self.doc.set_attr(el, "sockets", &t.sockets.to_string())?;
        match t.dies {
            Some(d) => self.doc.set_attr(el, "dies", &d.to_string())?,
            None => {
                self.doc.remove_attr(el, "dies");
            }
        }
        self.doc.set_attr(el, "cores", &t.cores.to_string())?;
        self.doc.set_attr(el, "threads", &t.threads.to_string())
    }

    /// The CPU features as (name, policy), in document order.
    pub fn cpu_features(&self) -> Vec<(String, String)> {
        let Some(cpu) = self.cpu() else {
            return Vec::new();
        };
        (self.doc.elements_named(cpu, "feature"))
            .filter_map(|f| {
                let name = self.doc.attr(f, "name")?.into_owned();
                let policy = self
                    .doc
                    .attr(f, "policy")
                    .unwrap_or(Cow::Borrowed("require"));
                Some((name, policy.into_owned()))
            })
            .collect()
    }

    /// Sets the policy of feature `name` (`force`, `require`, `optional`, `disable`,
    /// `forbid`), adding it after the other features; `None` removes it.
    pub fn set_cpu_feature(&mut self, name: &str, policy: Option<&str>) -> Result<(), XmlError> {
        access::check("cpu/feature/@name", name, Check::Token)?;
        let existing = self.cpu().and_then(|c| {
            (self.doc.elements_named(c, "feature"))
                .find(|&f| self.doc.attr(f, "name").as_deref() == Some(name))
        });
        match (policy, existing) {
            (None, Some(f)) => self.doc.remove(f),
            (None, None) => Ok(()),
            (Some(p), Some(f)) => {
                access::check("cpu/feature/@policy", p, Check::Token)?;
                self.doc.set_attr(f, "policy", p)
            }
            (Some(p), None) => {
                access::check("cpu/feature/@policy", p, Check::Token)?;
                let cpu = self.ensure_cpu()?;
                let f = self.doc.create_element("feature")?;
                self.doc.set_attr(f, "policy", p)?;
                self.doc.set_attr(f, "name", name)?;
                self.doc.insert_ordered(cpu, f, CPU_ORDER)
            }
        }
    }
}
