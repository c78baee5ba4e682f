// SPDX-License-Identifier: GPL-3.0-or-later
//! Opening a running guest's graphical display: which protocol it speaks and a connected
//! socket to it.
//!
//! The socket comes from `virDomainOpenGraphicsFD`, which works the same through local and
//! remote connections (libvirtd connects on the host and passes the descriptor over). Where
//! the driver cannot do that, the guest's listen address and port from its live XML are
//! dialled directly (the host name of the connection URI stands in for a wildcard address).
//! SPICE opens one socket per channel, so this is called once per channel.

use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::{FromRawFd, OwnedFd};
use std::time::Duration;

use virt::domain::Domain;

use super::error::{BackendError, ErrorKind};
use crate::xml::devices::Graphics;

/// The remote display protocols the console speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Vnc,
    Spice,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Vnc => "VNC",
            Protocol::Spice => "SPICE",
        }
    }
}

/// Why a guest's display cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphicsError {
    /// The guest is not running (a display exists only while it runs).
    #[error("the guest is not running")]
    NotRunning,
    /// The guest has no VNC or SPICE display (headless, or another kind such as SDL).
    #[error("the guest has no graphical display Vireo can show{}", .0.as_deref().map(|t| format!(" (it has “{t}”)")).unwrap_or_default())]
    NoDisplay(Option<String>),
    /// libvirt or the network refused.
    #[error("{0}")]
    Failed(BackendError),
}

impl From<BackendError> for GraphicsError {
    fn from(e: BackendError) -> Self {
        GraphicsError::Failed(e)
    }
}

impl From<virt::error::Error> for GraphicsError {
    fn from(e: virt::error::Error) -> Self {
        GraphicsError::Failed(e.into())
    }
}

/// A connected socket to a guest's display.
#[derive(Debug)]
pub struct GraphicsSocket {
    pub protocol: Protocol,
    pub fd: OwnedFd,
}

/// What the live XML says about the first usable display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayInfo {
    pub protocol: Protocol,
    pub port: Option<u16>,
    pub listen: Option<String>,
    pub has_password: bool,
}

/// The first VNC or SPICE `<graphics>` of a domain XML (the console shows the first, as
/// virt-manager does); `Err` names the kind of the first display when none is usable.
pub fn display_info(xml: &str) -> Result<DisplayInfo, GraphicsError> {
    let doc = crate::xml::Domain::parse(xml)
        .map_err(|e| BackendError::new(ErrorKind::InvalidConfig, e.to_string()))?;
    let all: Vec<Graphics> = doc.devices();
    let d = doc.document();
    let mut other = None;
    for g in all {
        let kind = g
            .graphics_type(d)
            .map(|k| k.to_string())
            .unwrap_or_default();
        let protocol = match kind.as_str() {
            "vnc" => Protocol::Vnc,
            "spice" => Protocol::Spice,
            _ => {
                other.get_or_insert(kind);
                continue;
            }
        };
        let port = g
            .port(d)
            .ok()
            .flatten()
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p > 0);
        return Ok(DisplayInfo {
            protocol,
            port,
            listen: g.listen_address(d).map(|s| s.to_string()),
            has_password: g.has_password(d),
        });
    }
    Err(GraphicsError::NoDisplay(other))
}

/// Opens a socket to the display of a running guest. `host` is the connection's host name
/// (None for a local connection), used only by the listen-address fallback.
pub fn open(dom: &Domain, host: Option<&str>) -> Result<GraphicsSocket, GraphicsError> {
    if !super::domain::state_of(dom)?.is_active() {
        return Err(GraphicsError::NotRunning);
    }
    let xml = dom.xml_desc(0)?;
    let info = display_info(&xml)?;
    match dom.open_graphics_fd(0, 0) {
        // SAFETY: libvirt returns a new descriptor that the caller owns.
        Ok(fd) => Ok(GraphicsSocket {
            protocol: info.protocol,
            fd: unsafe { OwnedFd::from_raw_fd(fd as i32) },
        }),
        Err(e) => {
            let first = BackendError::from(e);
            if first.kind == ErrorKind::ConnectionLost || first.kind == ErrorKind::NotFound {
                return Err(first.into());
            }
            log::info!("open_graphics_fd failed ({first}); dialling the listen address");
            dial(&info, host).map_err(|dial_err| {
                GraphicsError::Failed(BackendError::new(
                    first.kind,
                    format!(
                        "{}; dialling the display directly failed too: {dial_err}",
                        first.message
                    ),
                ))
            })
        }
    }
}

fn dial(info: &DisplayInfo, host: Option<&str>) -> Result<GraphicsSocket, String> {
    let port = info.port.ok_or("the display has no TCP port")?;
    let listen = info.listen.as_deref().unwrap_or("");
    let addr = match listen {
        "" | "0.0.0.0" | "::" => host.unwrap_or("127.0.0.1"),
        a => a,
    };
    let target = (addr, port)
        .to_socket_addrs()
        .map_err(|e| format!("{addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("{addr}: no address"))?;
    let stream = TcpStream::connect_timeout(&target, Duration::from_secs(5))
        .map_err(|e| format!("{target}: {e}"))?;
    Ok(GraphicsSocket {
        protocol: info.protocol,
        fd: stream.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_usable_display_wins() {
        let xml = "<domain type='kvm'><name>a</name><devices>\
            <graphics type='sdl'/>\
            <graphics type='spice' port='5901' autoport='no' passwd='x'><listen type='address' address='10.0.0.2'/></graphics>\
            <graphics type='vnc' port='5900'/></devices></domain>";
        let i = display_info(xml).unwrap();
        assert_eq!(i.protocol, Protocol::Spice);
        assert_eq!(i.port, Some(5901));
        assert_eq!(i.listen.as_deref(), Some("10.0.0.2"));
        assert!(i.has_password);
    }

    #[test]
    fn headless_guest_has_no_display() {
        let xml =
            "<domain type='kvm'><name>a</name><devices><graphics type='sdl'/></devices></domain>";
        assert_eq!(
            display_info(xml),
            Err(GraphicsError::NoDisplay(Some("sdl".into())))
        );
        let xml = "<domain type='kvm'><name>a</name><devices/></domain>";
        let e = display_info(xml).unwrap_err();
        assert_eq!(e, GraphicsError::NoDisplay(None));
        assert_eq!(
            e.to_string(),
            "the guest has no graphical display Vireo can show"
        );
    }

    #[test]
    fn autoport_minus_one_is_no_port() {
        let xml = "<domain type='kvm'><name>a</name><devices><graphics type='vnc' port='-1' autoport='yes'/></devices></domain>";
        assert_eq!(display_info(xml).unwrap().port, None);
    }
}
