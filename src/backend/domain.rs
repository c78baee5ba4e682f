// SPDX-License-Identifier: GPL-3.0-or-later
//! Domains as the rest of Vireo sees them: plain data ([`DomainInfo`], [`DomainState`]) read
//! from libvirt, and the lifecycle [`Action`]s that can be applied to one. Functions here
//! make blocking libvirt calls: they run on a connection's worker thread, never on the UI's.

use std::os::raw::c_int;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::error::{last_error, ErrorKind, Result};

/// A domain's run state, as libvirt reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DomainState {
    Running,
    Blocked,
    Paused,
    ShuttingDown,
    Shutoff,
    Crashed,
    Suspended,
    NoState,
}

impl DomainState {
    pub fn from_raw(state: c_int) -> Self {
        match state as sys::virDomainState {
            sys::VIR_DOMAIN_RUNNING => DomainState::Running,
            sys::VIR_DOMAIN_BLOCKED => DomainState::Blocked,
            sys::VIR_DOMAIN_PAUSED => DomainState::Paused,
            sys::VIR_DOMAIN_SHUTDOWN => DomainState::ShuttingDown,
            sys::VIR_DOMAIN_SHUTOFF => DomainState::Shutoff,
            sys::VIR_DOMAIN_CRASHED => DomainState::Crashed,
            sys::VIR_DOMAIN_PMSUSPENDED => DomainState::Suspended,
            _ => DomainState::NoState,
        }
    }

    /// Whether the guest has a running QEMU process (and so can be shut down, paused, …).
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            DomainState::Shutoff | DomainState::Crashed | DomainState::NoState
        )
    }

    /// English label; the UI has its own translated wording.
    pub fn label(self) -> &'static str {
        match self {
            DomainState::Running => "Running",
            DomainState::Blocked => "Blocked",
            DomainState::Paused => "Paused",
            DomainState::ShuttingDown => "Shutting down",
            DomainState::Shutoff => "Shut off",
            DomainState::Crashed => "Crashed",
            DomainState::Suspended => "Suspended",
            DomainState::NoState => "Unknown",
        }
    }
}

/// What the domain list needs to know about one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainInfo {
    pub uuid: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub state: DomainState,
    pub persistent: bool,
    pub autostart: bool,
    /// A managed-save image exists (the next start restores it).
    pub has_managed_save: bool,
}

/// Lifecycle commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Start,
    /// Graceful shutdown (ACPI by default; the guest decides).
    Shutdown,
    Reboot,
    /// Pull the plug (virDomainDestroy).
    ForceOff,
    /// Press the reset button.
    Reset,
    Pause,
    Resume,
    /// Save the memory image and stop; the next start restores it.
    ManagedSave,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Shutdown => "shutdown",
            Action::Reboot => "reboot",
            Action::ForceOff => "force-off",
            Action::Reset => "reset",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::ManagedSave => "save",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Whether the action makes sense for a guest in `state` (what the UI offers, and how
    /// a refusal is classified).
    pub fn allowed_in(self, state: DomainState) -> bool {
        use DomainState as S;
        match self {
            Action::Start => matches!(state, S::Shutoff | S::Crashed | S::NoState),
            Action::Resume => matches!(state, S::Paused | S::Suspended),
            Action::Pause => matches!(state, S::Running | S::Blocked),
            Action::Shutdown | Action::Reboot | Action::Reset | Action::ManagedSave => {
                matches!(state, S::Running | S::Blocked | S::Paused)
            }
            Action::ForceOff => state.is_active(),
        }
    }

    pub const ALL: [Action; 8] = [
        Action::Start,
        Action::Shutdown,
        Action::Reboot,
        Action::ForceOff,
        Action::Reset,
        Action::Pause,
        Action::Resume,
        Action::ManagedSave,
    ];
}

/// Reads a domain's state. (`virt::Domain::state` in 0.5 drops the error, so call libvirt
/// directly.)
pub fn state_of(dom: &Domain) -> Result<DomainState> {
    let mut state: c_int = -1;
    let mut reason: c_int = -1;
    // SAFETY: dom holds a valid reference for the duration of the call.
    let rc = unsafe { sys::virDomainGetState(dom.as_ptr(), &mut state, &mut reason, 0) };
    if rc < 0 {
        return Err(last_error());
    }
    Ok(DomainState::from_raw(state))
}

/// The domain's title or description (`kind`); none is reported as an error
/// (VIR_ERR_NO_DOMAIN_METADATA), which is simply `None`.
fn metadata_text(dom: &Domain, kind: sys::virDomainMetadataType) -> Option<String> {
    dom.metadata(kind as i32, None, 0)
        .ok()
        .filter(|t| !t.is_empty())
}

fn has_managed_save(dom: &Domain) -> bool {
    // SAFETY: valid domain reference.
    unsafe { sys::virDomainHasManagedSaveImage(dom.as_ptr(), 0) > 0 }
}

/// Reads everything [`DomainInfo`] holds for one domain.
pub fn info_of(dom: &Domain) -> Result<DomainInfo> {
    Ok(DomainInfo {
        uuid: dom.uuid_string()?,
        name: dom.name()?,
        title: metadata_text(dom, sys::VIR_DOMAIN_METADATA_TITLE),
        description: metadata_text(dom, sys::VIR_DOMAIN_METADATA_DESCRIPTION),
        state: state_of(dom)?,
        persistent: dom.is_persistent()?,
        autostart: dom.autostart().unwrap_or(false),
        has_managed_save: has_managed_save(dom),
    })
}

/// Lists every domain of a connection, sorted by name.
///
/// A domain that vanishes between the listing and the per-domain calls (undefined by
/// someone else) is skipped, not reported as an error.
pub fn list(conn: &Connect) -> Result<Vec<DomainInfo>> {
    let doms = conn.list_all_domains(0)?;
    let mut out = Vec::with_capacity(doms.len());
    for d in &doms {
        match info_of(d) {
            Ok(i) => out.push(i),
            Err(e) if e.kind == ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Looks a domain up by UUID.
pub fn lookup(conn: &Connect, uuid: &str) -> Result<Domain> {
    Ok(conn.lookup_domain_by_uuid_string(uuid)?)
}

/// Applies a lifecycle action. libvirt decides; if it refuses and the guest's state does
/// not allow the action, the error is classified [`ErrorKind::InvalidState`] whatever code
/// the driver chose (the test driver says "internal error" for "not paused"), keeping
/// libvirt's message.
pub fn apply(conn: &Connect, uuid: &str, action: Action) -> Result<()> {
    let dom = lookup(conn, uuid)?;
    match call(&dom, action) {
        Ok(()) => Ok(()),
        Err(mut e) => {
            if matches!(e.kind, ErrorKind::OperationFailed | ErrorKind::InvalidState) {
                if let Ok(state) = state_of(&dom) {
                    if !action.allowed_in(state) {
                        e.kind = ErrorKind::InvalidState;
                    }
                }
            }
            Err(e)
        }
    }
}

fn call(dom: &Domain, action: Action) -> Result<()> {
    match action {
        Action::Start => dom.create().map(drop)?,
        Action::Shutdown => dom.shutdown().map(drop)?,
        Action::Reboot => dom.reboot(0).map(drop)?,
        Action::ForceOff => dom.destroy().map(drop)?,
        Action::Reset => dom.reset().map(drop)?,
        Action::Pause => dom.suspend().map(drop)?,
        Action::Resume => dom.resume().map(drop)?,
        Action::ManagedSave => dom.managed_save(0).map(drop)?,
    }
    Ok(())
}

/// A domain's persistent definition (what the next start uses), as libvirt formats it.
pub fn xml_of(conn: &Connect, uuid: &str) -> Result<String> {
    let dom = lookup(conn, uuid)?;
    Ok(dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?)
}

/// Defines (creates or replaces) a domain from `xml`; libvirt validates it.
pub fn define(conn: &Connect, xml: &str) -> Result<()> {
    conn.define_domain_xml_flags(xml, sys::VIR_DOMAIN_DEFINE_VALIDATE)?;
    Ok(())
}

/// Renames a domain (libvirt allows it while the domain is shut off).
pub fn rename(conn: &Connect, uuid: &str, name: &str) -> Result<()> {
    let dom = lookup(conn, uuid)?;
    match dom.rename(name, 0) {
        Ok(()) => Ok(()),
        Err(e) => {
            let mut err = super::error::BackendError::from(e);
            if err.kind == ErrorKind::OperationFailed && state_of(&dom).is_ok_and(|s| s.is_active())
            {
                err.kind = ErrorKind::InvalidState;
            }
            Err(err)
        }
    }
}

/// Sets title and description (empty removes them) in the definition, and in the running
/// domain too when it runs, so the change shows at once.
pub fn set_text(conn: &Connect, uuid: &str, title: &str, description: &str) -> Result<()> {
    let dom = lookup(conn, uuid)?;
    let mut flags = sys::VIR_DOMAIN_AFFECT_CONFIG;
    if state_of(&dom)?.is_active() {
        flags |= sys::VIR_DOMAIN_AFFECT_LIVE;
    }
    for (kind, text) in [
        (sys::VIR_DOMAIN_METADATA_TITLE, title),
        (sys::VIR_DOMAIN_METADATA_DESCRIPTION, description),
    ] {
        let value = (!text.is_empty()).then_some(text);
        dom.set_metadata(kind as i32, value, None, None, flags)?;
    }
    Ok(())
}
