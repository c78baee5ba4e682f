// SPDX-License-Identifier: GPL-3.0-or-later
//! Typed backend errors. Every error keeps libvirt's own message verbatim (shown in the
//! UI's Details dialog); the [`ErrorKind`] decides how the UI reacts.

use std::fmt;

use virt::enumutil::{Enum, RawEnum};
use virt::error::{ErrorNumber, ErrorNumberEnum};

/// What went wrong, at the level the UI cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The URI is malformed or names no known driver (our check or libvirt's).
    InvalidUri,
    /// The object (domain, network, …) does not exist (any more).
    NotFound,
    /// Authentication failed or the policy denies the operation.
    Denied,
    /// The connection to the daemon is gone (daemon stopped, network dropped, host unreachable).
    ConnectionLost,
    /// The XML or a parameter is invalid.
    InvalidConfig,
    /// The driver or hypervisor does not support this.
    Unsupported,
    /// The object is in the wrong state for the operation (resume a running guest).
    InvalidState,
    /// Anything else libvirt reported as a failure.
    OperationFailed,
}

/// A backend error: its kind, libvirt's message, and libvirt's numeric code when it came
/// from libvirt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct BackendError {
    pub kind: ErrorKind,
    pub message: String,
    /// libvirt's `virErrorNumber`, if the error came from libvirt.
    pub code: Option<i32>,
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.summary(), self.message)
    }
}

impl ErrorKind {
    /// A short English summary (the UI translates its own wording).
    pub fn summary(self) -> &'static str {
        match self {
            ErrorKind::InvalidUri => "Invalid connection URI",
            ErrorKind::NotFound => "Not found",
            ErrorKind::Denied => "Permission denied",
            ErrorKind::ConnectionLost => "Connection lost",
            ErrorKind::InvalidConfig => "Invalid configuration",
            ErrorKind::Unsupported => "Not supported",
            ErrorKind::InvalidState => "Not possible in the current state",
            ErrorKind::OperationFailed => "Operation failed",
        }
    }
}

impl BackendError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        BackendError {
            kind,
            message: message.into(),
            code: None,
        }
    }
}

/// Maps libvirt's error numbers onto our kinds.
fn classify(code: ErrorNumberEnum, message: &str) -> ErrorKind {
    use ErrorNumber as E;
    let Enum::Known(code) = code else {
        return ErrorKind::OperationFailed;
    };
    match code {
        E::NoDomain
        | E::NoNetwork
        | E::NoStoragePool
        | E::NoStorageVolume
        | E::NoDomainSnapshot
        | E::NoNodeDevice
        | E::NoSecret
        | E::NoInterface
        | E::NoNwfilter
        | E::NoDomainMetadata
        | E::NoDomainCheckpoint
        | E::NoDomainBackup
        | E::NoNetworkPort
        | E::NoHostname => ErrorKind::NotFound,
        E::AuthFailed
        | E::AuthCancelled
        | E::AuthUnavailable
        | E::AccessDenied
        | E::OperationDenied => ErrorKind::Denied,
        E::NoConnect | E::InvalidConn | E::Rpc | E::SystemError | E::NoClient => {
            // libvirt reports an unknown driver scheme as NO_CONNECT too; we check the URI
            // ourselves before opening, so what reaches here is really a dead or missing
            // daemon — except a permission error on the socket, which users must see as such.
            let lower = message.to_ascii_lowercase();
            if lower.contains("permission denied") || lower.contains("authentication") {
                ErrorKind::Denied
            } else {
                ErrorKind::ConnectionLost
            }
        }
        E::XmlError
        | E::XmlDetail
        | E::InvalidArg
        | E::ConfigUnsupported
        | E::XmlInvalidSchema
        | E::InvalidDomain => ErrorKind::InvalidConfig,
        E::NoSupport | E::ArgumentUnsupported => ErrorKind::Unsupported,
        E::OperationInvalid => ErrorKind::InvalidState,
        _ => ErrorKind::OperationFailed,
    }
}

impl From<virt::error::Error> for BackendError {
    fn from(e: virt::error::Error) -> Self {
        let message = e.message().to_string();
        let code = match e.code() {
            Enum::Known(k) => Some(k.to_raw() as i32),
            Enum::Unknown(n) => Some(n as i32),
        };
        BackendError {
            kind: classify(e.code(), &message),
            message,
            code,
        }
    }
}

impl BackendError {
    /// Classifies a failure to *open* a connection. The daemon refuses unprivileged users
    /// through polkit; where polkit cannot even be asked (no system bus, no agent) libvirt
    /// reports an internal error, but what the user must hear is that they lack the right
    /// (and libvirt's words say why).
    pub fn from_open(e: virt::error::Error) -> Self {
        Self::reclassify_open(BackendError::from(e))
    }

    /// [`BackendError::from_open`] for an error already converted.
    pub fn reclassify_open(mut err: BackendError) -> Self {
        let lower = err.message.to_ascii_lowercase();
        let auth = [
            "polkit",
            "system bus",
            "permission denied",
            "authentication",
            "not authorized",
        ];
        if matches!(
            err.kind,
            ErrorKind::OperationFailed | ErrorKind::ConnectionLost
        ) && auth.iter().any(|a| lower.contains(a))
        {
            err.kind = ErrorKind::Denied;
        }
        err
    }
}

/// Shorthand for backend results.
pub type Result<T> = std::result::Result<T, BackendError>;

/// Reads and clears libvirt's last error of this thread, after a raw `virt::sys` call failed.
pub(crate) fn last_error() -> BackendError {
    BackendError::from(virt::error::Error::last_error())
}
