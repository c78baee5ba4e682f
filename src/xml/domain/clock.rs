// SPDX-License-Identifier: GPL-3.0-or-later
//! `<clock>`: the offset (`utc`, `localtime`, `timezone`, `variable`) and its timers
//! (rtc, pit, hpet, kvmclock, hypervclock, tsc …) with presence and tick policy.

use std::borrow::Cow;

use super::{Domain, DOMAIN_ORDER};
use crate::xml::devices::access::{self, Check};
use crate::xml::{NodeId, XmlError};

/// One `<timer>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    pub name: String,
    /// `present='yes'|'no'`; `None` when unsaid.
    pub present: Option<bool>,
    /// `tickpolicy`: `delay`, `catchup`, `merge`, `discard`.
    pub tickpolicy: Option<String>,
}

impl Domain {
    fn clock(&self) -> Option<NodeId> {
        self.doc.first_element(self.root(), "clock")
    }

    /// `<clock offset=…>`.
    pub fn clock_offset(&self) -> Option<Cow<'_, str>> {
        self.doc.attr(self.clock()?, "offset")
    }

    pub fn set_clock_offset(&mut self, offset: &str) -> Result<(), XmlError> {
        access::check("clock/@offset", offset, Check::Token)?;
        let root = self.root();
        let c = self.doc.ensure_element(root, "clock", DOMAIN_ORDER)?;
        self.doc.set_attr(c, "offset", offset)
    }

    /// The timers, in document order.
    pub fn timers(&self) -> Result<Vec<Timer>, XmlError> {
        let Some(c) = self.clock() else {
            return Ok(Vec::new());
        };
        (self.doc.elements_named(c, "timer"))
            .filter_map(|t| Some((self.doc.attr(t, "name")?.into_owned(), t)))
            .map(|(name, t)| {
                Ok(Timer {
                    name,
                    present: access::bool_of(&self.doc, t, "", "present")?,
                    tickpolicy: self.doc.attr(t, "tickpolicy").map(Cow::into_owned),
                })
            })
            .collect()
    }

    fn timer_el(&self, name: &str) -> Option<NodeId> {
        let c = self.clock()?;
        (self.doc.elements_named(c, "timer"))
            .find(|&t| self.doc.attr(t, "name").as_deref() == Some(name))
    }

    /// Adds or updates timer `timer.name` (its other attributes and children are kept;
    /// `None` fields are removed).
    pub fn set_timer(&mut self, timer: &Timer) -> Result<(), XmlError> {
        access::check("clock/timer/@name", &timer.name, Check::Token)?;
        if let Some(p) = &timer.tickpolicy {
            access::check("clock/timer/@tickpolicy", p, Check::Token)?;
        }
        let t = match self.timer_el(&timer.name) {
            Some(t) => t,
            None => {
                let root = self.root();
                let c = self.doc.ensure_element(root, "clock", DOMAIN_ORDER)?;
                let t = self.doc.append_element(c, "timer")?;
                self.doc.set_attr(t, "name", &timer.name)?;
                t
            }
        };
        let present = timer.present.map(access::yes_no);
        let tick = timer.tickpolicy.as_deref();
        access::set_attr_of(&mut self.doc, t, "", &[], "tickpolicy", tick, Check::Token)?;
        access::set_attr_of(&mut self.doc, t, "", &[], "present", present, Check::Token)
    }

    /// Removes timer `name`; returns whether it was there.
    pub fn remove_timer(&mut self, name: &str) -> Result<bool, XmlError> {
        match self.timer_el(name) {
            Some(t) => self.doc.remove(t).map(|()| true),
            None => Ok(false),
        }
    }
}
