// SPDX-License-Identifier: GPL-3.0-or-later
//! Connection URIs: parsed and validated before libvirt sees them, so a typo gets a precise
//! message ("unknown driver 'qemm'") instead of libvirt's generic "no connection driver
//! available", and so the UI can show a friendly name ("QEMU/KVM on server1").
//!
//! Grammar (libvirt's): `driver[+transport]://[user@][host][:port]/[path][?query]`.

use std::fmt;

use super::error::{BackendError, ErrorKind, Result};

/// Drivers libvirt ships that a VM manager can talk to.
const DRIVERS: &[&str] = &[
    "qemu",
    "test",
    "lxc",
    "xen",
    "libxl",
    "ch",
    "vbox",
    "vmwareplayer",
    "vmwarews",
    "vmwarefusion",
    "esx",
    "gsx",
    "vpx",
    "hyperv",
    "bhyve",
    "openvz",
    "vz",
    "parallels",
];
/// Transports of the remote driver.
const TRANSPORTS: &[&str] = &["tls", "tcp", "unix", "ssh", "libssh", "libssh2", "ext"];

/// A parsed, validated connection URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectionUri {
    pub driver: String,
    pub transport: Option<String>,
    pub user: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    /// Path including the leading `/` (`/system`, `/session`, `/default`, `/abs/file.xml`).
    pub path: String,
    pub query: Option<String>,
}

fn bad(msg: String) -> BackendError {
    BackendError::new(ErrorKind::InvalidUri, msg)
}

impl ConnectionUri {
    /// Parses and validates `text`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.is_empty() {
            return Err(bad("the URI is empty".into()));
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(bad(format!(
                "'{text}' is not a URI: expected driver://[host]/path, e.g. qemu:///system"
            )));
        };
        let (driver, transport) = match scheme.split_once('+') {
            Some((d, t)) => (d, Some(t)),
            None => (scheme, None),
        };
        if !DRIVERS.contains(&driver) {
            return Err(bad(format!(
                "unknown hypervisor driver '{driver}' in '{text}'"
            )));
        }
        if let Some(t) = transport {
            if !TRANSPORTS.contains(&t) {
                return Err(bad(format!(
                    "unknown transport '{t}' in '{text}' (expected one of {})",
                    TRANSPORTS.join(", ")
                )));
            }
        }
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q.to_string())),
            None => (rest, None),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, String::new()),
        };
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => {
                if u.is_empty() {
                    return Err(bad(format!("empty user name before '@' in '{text}'")));
                }
                (Some(u.to_string()), h)
            }
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport, text)?;
        if user.is_some() && host.is_none() {
            return Err(bad(format!("'{text}' names a user but no host")));
        }
        if transport.is_some()
            && host.is_none()
            && transport != Some("unix")
            && transport != Some("ext")
        {
            return Err(bad(format!(
                "'{text}' uses a remote transport but names no host"
            )));
        }
        if let Some(h) = &host {
            if !h.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']')
            }) {
                return Err(bad(format!("'{h}' is not a valid host name")));
            }
        }
        match driver {
            "qemu" | "lxc" | "ch" | "vbox" | "bhyve" | "openvz" | "vz" | "libxl" | "xen" => {
                let ok = match driver {
                    "qemu" => {
                        matches!(path.as_str(), "/system" | "/session")
                            || path.starts_with("/embed")
                    }
                    "lxc" | "libxl" | "xen" | "openvz" | "bhyve" => {
                        matches!(path.as_str(), "/" | "" | "/system")
                    }
                    _ => matches!(path.as_str(), "/system" | "/session"),
                };
                if !ok {
                    let hint = if driver == "qemu" {
                        " (use /system or /session)"
                    } else {
                        ""
                    };
                    return Err(bad(format!(
                        "'{path}' is not a valid path for the {driver} driver{hint}"
                    )));
                }
            }
            // /default or an absolute path to a <node> file.
            "test" if !(path.starts_with('/') && path.len() > 1) => {
                return Err(bad(format!(
                    "the test driver needs /default or an absolute file path, not '{path}'"
                )));
            }
            _ => {}
        }
        Ok(ConnectionUri {
            driver: driver.to_string(),
            transport: transport.map(str::to_string),
            user,
            host,
            port,
            path,
            query,
        })
    }

    /// Whether libvirt runs this connection inside our own process (test driver).
    pub fn is_embedded(&self) -> bool {
        self.driver == "test"
    }

    /// Whether the hypervisor is on another machine.
    pub fn is_remote(&self) -> bool {
        self.host
            .as_deref()
            .is_some_and(|h| !matches!(h, "localhost" | "127.0.0.1" | "::1"))
    }

    /// A human name for the hypervisor side, e.g. "QEMU/KVM", "QEMU/KVM User session",
    /// "Test driver". (English; the UI wraps it for translation.)
    pub fn hypervisor_label(&self) -> String {
        let base = match self.driver.as_str() {
            "qemu" => "QEMU/KVM",
            "test" => "Test driver",
            "lxc" => "LXC",
            "xen" | "libxl" => "Xen",
            "ch" => "Cloud Hypervisor",
            "vbox" => "VirtualBox",
            "esx" | "gsx" | "vpx" => "VMware ESX",
            "hyperv" => "Hyper-V",
            "bhyve" => "bhyve",
            other => other,
        };
        if self.path == "/session" {
            format!("{base} User session")
        } else {
            base.to_string()
        }
    }

    /// The host part for display: `user@host[:port]` or `None` for local connections.
    pub fn host_label(&self) -> Option<String> {
        let host = self.host.as_ref()?;
        let mut label = match &self.user {
            Some(u) => format!("{u}@{host}"),
            None => host.clone(),
        };
        if let Some(p) = self.port {
            label.push_str(&format!(":{p}"));
        }
        Some(label)
    }
}

/// What the add-connection dialog offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hypervisor {
    /// QEMU/KVM, system instance (`qemu:///system`).
    QemuSystem,
    /// QEMU/KVM, the user's own session (`qemu:///session`).
    QemuSession,
}

/// A remote host reached over SSH.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SshTarget {
    pub user: String,
    pub host: String,
    /// Empty means SSH's default.
    pub port: String,
}

/// Builds the URI for a hypervisor, optionally on a remote host over SSH, validating
/// every part (an empty host, a port that is not a number, a space in a user name).
pub fn compose(hypervisor: Hypervisor, remote: Option<&SshTarget>) -> Result<ConnectionUri> {
    let path = match hypervisor {
        Hypervisor::QemuSystem => "/system",
        Hypervisor::QemuSession => "/session",
    };
    let Some(r) = remote else {
        return ConnectionUri::parse(&format!("qemu://{path}"));
    };
    let host = r.host.trim();
    if host.is_empty() {
        return Err(bad(
            "enter the host name or address of the remote machine".into()
        ));
    }
    let user = r.user.trim();
    if user
        .chars()
        .any(|c| c.is_whitespace() || c == '@' || c == '/')
    {
        return Err(bad(format!("'{user}' is not a valid user name")));
    }
    let port = r.port.trim();
    let mut text = String::from("qemu+ssh://");
    if !user.is_empty() {
        text.push_str(user);
        text.push('@');
    }
    text.push_str(host);
    if !port.is_empty() {
        text.push(':');
        text.push_str(port);
    }
    text.push_str(path);
    ConnectionUri::parse(&text)
}

fn split_host_port(hostport: &str, text: &str) -> Result<(Option<String>, Option<u16>)> {
    if hostport.is_empty() {
        return Ok((None, None));
    }
    // [v6]:port
    if let Some(rest) = hostport.strip_prefix('[') {
        let Some((h, after)) = rest.split_once(']') else {
            return Err(bad(format!("unclosed '[' in host of '{text}'")));
        };
        let port = match after.strip_prefix(':') {
            Some(p) => Some(parse_port(p, text)?),
            None if after.is_empty() => None,
            None => {
                return Err(bad(format!(
                    "unexpected '{after}' after the host in '{text}'"
                )))
            }
        };
        return Ok((Some(format!("[{h}]")), port));
    }
    match hostport.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => Ok((Some(h.to_string()), Some(parse_port(p, text)?))),
        _ => Ok((Some(hostport.to_string()), None)),
    }
}

fn parse_port(p: &str, text: &str) -> Result<u16> {
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad(format!("'{p}' is not a valid port number in '{text}'"))),
        Ok(n) => Ok(n),
    }
}

impl fmt::Display for ConnectionUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.driver)?;
        if let Some(t) = &self.transport {
            write!(f, "+{t}")?;
        }
        write!(f, "://")?;
        if let Some(u) = &self.user {
            write!(f, "{u}@")?;
        }
        if let Some(h) = &self.host {
            write!(f, "{h}")?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.path)?;
        if let Some(q) = &self.query {
            write!(f, "?{q}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_qemu() {
        let u = ConnectionUri::parse("qemu:///system").unwrap();
        assert_eq!(u.driver, "qemu");
        assert_eq!(u.host, None);
        assert_eq!(u.path, "/system");
        assert_eq!(u.hypervisor_label(), "QEMU/KVM");
        assert!(!u.is_remote());
        let s = ConnectionUri::parse("qemu:///session").unwrap();
        assert_eq!(s.hypervisor_label(), "QEMU/KVM User session");
    }

    #[test]
    fn ssh_with_user_and_port() {
        let u = ConnectionUri::parse("qemu+ssh://admin@host.example.org:2222/system?keyfile=/k")
            .unwrap();
        assert_eq!(u.transport.as_deref(), Some("ssh"));
        assert_eq!(u.user.as_deref(), Some("admin"));
        assert_eq!(u.host.as_deref(), Some("host.example.org"));
        assert_eq!(u.port, Some(2222));
        assert_eq!(u.query.as_deref(), Some("keyfile=/k"));
        assert!(u.is_remote());
        assert_eq!(
            u.host_label().as_deref(),
            Some("admin@host.example.org:2222")
        );
        assert_eq!(
            u.to_string(),
            "qemu+ssh://admin@host.example.org:2222/system?keyfile=/k"
        );
    }

    #[test]
    fn ipv6_host() {
        let u = ConnectionUri::parse("qemu+tcp://[fe80::1]:16509/system").unwrap();
        assert_eq!(u.host.as_deref(), Some("[fe80::1]"));
        assert_eq!(u.port, Some(16509));
    }

    #[test]
    fn test_driver() {
        assert!(ConnectionUri::parse("test:///default")
            .unwrap()
            .is_embedded());
        assert!(ConnectionUri::parse("test:///tmp/node.xml").is_ok());
        assert!(ConnectionUri::parse("test://").is_err());
    }

    #[test]
    fn composes_local_and_ssh_uris() {
        assert_eq!(
            compose(Hypervisor::QemuSystem, None).unwrap().to_string(),
            "qemu:///system"
        );
        assert_eq!(
            compose(Hypervisor::QemuSession, None).unwrap().to_string(),
            "qemu:///session"
        );
        let r = SshTarget {
            user: "root".into(),
            host: "server1".into(),
            port: "2222".into(),
        };
        assert_eq!(
            compose(Hypervisor::QemuSystem, Some(&r))
                .unwrap()
                .to_string(),
            "qemu+ssh://root@server1:2222/system"
        );
        let r = SshTarget {
            user: String::new(),
            host: " server1 ".into(),
            port: String::new(),
        };
        assert_eq!(
            compose(Hypervisor::QemuSystem, Some(&r))
                .unwrap()
                .to_string(),
            "qemu+ssh://server1/system"
        );
    }

    #[test]
    fn compose_rejects_bad_parts() {
        let r = |user: &str, host: &str, port: &str| SshTarget {
            user: user.into(),
            host: host.into(),
            port: port.into(),
        };
        let e = compose(Hypervisor::QemuSystem, Some(&r("", "", ""))).unwrap_err();
        assert!(e.message.contains("host name"), "{}", e.message);
        let e = compose(Hypervisor::QemuSystem, Some(&r("a b", "h", ""))).unwrap_err();
        assert!(e.message.contains("user name"), "{}", e.message);
        let e = compose(Hypervisor::QemuSystem, Some(&r("", "h", "ssh"))).unwrap_err();
        assert!(e.message.contains("port"), "{}", e.message);
        let e = compose(Hypervisor::QemuSystem, Some(&r("", "bad host", ""))).unwrap_err();
        assert!(e.message.contains("host"), "{}", e.message);
    }

    #[test]
    fn rejects_bad_uris_with_a_reason() {
        for (uri, needle) in [
            ("", "empty"),
            ("system", "not a URI"),
            ("qemm:///system", "unknown hypervisor driver 'qemm'"),
            ("qemu+sshh://h/system", "unknown transport 'sshh'"),
            ("qemu:///sytem", "not a valid path"),
            ("qemu+ssh://host:99999/system", "not a valid port"),
            ("qemu+ssh://host:0/system", "not a valid port"),
            ("qemu+ssh:///system", "names no host"),
            ("qemu+ssh://@h/system", "empty user"),
            ("qemu+ssh://ho st/system", "not a valid host"),
        ] {
            let err = ConnectionUri::parse(uri).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidUri, "{uri}");
            assert!(err.message.contains(needle), "{uri}: {}", err.message);
        }
    }
}
