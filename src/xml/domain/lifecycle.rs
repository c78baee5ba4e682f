// SPDX-License-Identifier: GPL-3.0-or-later
//! What the hypervisor does when the guest powers off, reboots or crashes
//! (`<on_poweroff>`, `<on_reboot>`, `<on_crash>`).

use std::fmt;
use std::str::FromStr;

use super::Domain;
use crate::xml::XmlError;

/// A lifecycle action, as libvirt spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleAction {
    Destroy,
    Restart,
    Preserve,
    RenameRestart,
    /// Crash only: dump core, then destroy.
    CoredumpDestroy,
    /// Crash only: dump core, then restart.
    CoredumpRestart,
}

const ALL: [LifecycleAction; 6] = [
    LifecycleAction::Destroy,
    LifecycleAction::Restart,
    LifecycleAction::Preserve,
    LifecycleAction::RenameRestart,
    LifecycleAction::CoredumpDestroy,
    LifecycleAction::CoredumpRestart,
];

impl LifecycleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleAction::Destroy => "destroy",
            LifecycleAction::Restart => "restart",
            LifecycleAction::Preserve => "preserve",
            LifecycleAction::RenameRestart => "rename-restart",
            LifecycleAction::CoredumpDestroy => "coredump-destroy",
            LifecycleAction::CoredumpRestart => "coredump-restart",
        }
    }

    /// Whether libvirt accepts this action for `<on_crash>` only.
    pub fn is_crash_only(self) -> bool {
        matches!(
            self,
            LifecycleAction::CoredumpDestroy | LifecycleAction::CoredumpRestart
        )
    }
}

impl fmt::Display for LifecycleAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LifecycleAction {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ALL.iter()
            .copied()
            .find(|a| a.as_str() == s.trim())
            .ok_or(())
    }
}

impl Domain {
    fn action(&self, name: &str) -> Result<Option<LifecycleAction>, XmlError> {
        let Some(raw) = self.text(name) else {
            return Ok(None);
        };
        let action = raw.parse::<LifecycleAction>();
        match action {
            Ok(a) if a.is_crash_only() && name != "on_crash" => {}
            Ok(a) => return Ok(Some(a)),
            Err(()) => {}
        }
        Err(XmlError::invalid(name, &raw, "is not a lifecycle action"))
    }

    fn set_action(&mut self, name: &str, action: LifecycleAction) -> Result<(), XmlError> {
        if action.is_crash_only() && name != "on_crash" {
            let reason = "is only possible on a crash";
            return Err(XmlError::invalid(name, action.as_str(), reason));
        }
        self.set(name, Some(action.as_str()))
    }

    pub fn on_poweroff(&self) -> Result<Option<LifecycleAction>, XmlError> {
        self.action("on_poweroff")
    }

    pub fn set_on_poweroff(&mut self, action: LifecycleAction) -> Result<(), XmlError> {
        self.set_action("on_poweroff", action)
    }

    pub fn on_reboot(&self) -> Result<Option<LifecycleAction>, XmlError> {
        self.action("on_reboot")
    }

    pub fn set_on_reboot(&mut self, action: LifecycleAction) -> Result<(), XmlError> {
        self.set_action("on_reboot", action)
    }

    pub fn on_crash(&self) -> Result<Option<LifecycleAction>, XmlError> {
        self.action("on_crash")
    }

    pub fn set_on_crash(&mut self, action: LifecycleAction) -> Result<(), XmlError> {
        self.set_action("on_crash", action)
    }
}
