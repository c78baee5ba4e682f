// SPDX-License-Identifier: GPL-3.0-or-later
//! What a VNC session asks the server for: the encodings, in an order that depends on
//! whether the socket reaches this machine.

use std::os::fd::OwnedFd;

use glib::translate::IntoGlib;

/// Whether a connected socket reaches this machine: a UNIX socket (libvirt's
/// `virDomainOpenGraphicsFD`) or TCP to a loopback address.
pub(super) fn is_local(fd: &OwnedFd) -> bool {
    use std::os::fd::AsRawFd;
    // SAFETY: getpeername writes at most `len` bytes into the zeroed storage.
    let mut addr: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let ok = unsafe {
        libc::getpeername(
            fd.as_raw_fd(),
            &mut addr as *mut libc::sockaddr_storage as *mut libc::sockaddr,
            &mut len,
        )
    } == 0;
    if !ok {
        return false;
    }
    match addr.ss_family as libc::c_int {
        libc::AF_UNIX => true,
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let a =
                unsafe { &*(&addr as *const libc::sockaddr_storage as *const libc::sockaddr_in) };
            std::net::Ipv4Addr::from(u32::from_be(a.sin_addr.s_addr)).is_loopback()
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let a =
                unsafe { &*(&addr as *const libc::sockaddr_storage as *const libc::sockaddr_in6) };
            let ip = std::net::Ipv6Addr::from(a.sin6_addr.s6_addr);
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        _ => false,
    }
}

/// The encodings to ask for, best first. Lossless only: a console's screenshots must be
/// exact, and JPEG would also cost decoding time. On a socket to this machine, raw pixels
/// first: bandwidth is free there, and gvnc reads raw rectangles straight into our
/// framebuffer (same pixel format) while it decodes ZRLE and Tight a pixel at a time
/// through the framebuffer interface; QEMU saves the compression too. Across a network,
/// ZRLE first, as gtk-vnc does without its lossy option.
pub(super) fn encodings(local: bool) -> Vec<i32> {
    use gvnc::ConnectionEncoding as E;
    let compressed = [E::Zrle, E::Tight, E::Hextile, E::Rre];
    let (first, rest): (&[E], &[E]) = if local {
        (&[E::Raw], &compressed)
    } else {
        (&compressed, &[E::Raw])
    };
    first
        .iter()
        .chain(rest)
        .copied()
        .chain([
            E::CopyRect,
            E::DesktopResize,
            E::ExtendedDesktopResize,
            E::LastRect,
            E::Wmvi,
            E::RichCursor,
            E::Xcursor,
            E::PointerChange,
            E::ExtKeyEvent,
            E::DesktopName,
        ])
        .map(|e| e.into_glib())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gvnc::ConnectionEncoding as E;

    #[test]
    fn local_sockets_are_told_apart_from_network_ones() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().expect("socketpair");
        assert!(is_local(&OwnedFd::from(a)));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let tcp =
            std::net::TcpStream::connect(listener.local_addr().expect("addr")).expect("connect");
        assert!(is_local(&OwnedFd::from(tcp)));
        // Not connected: no peer, so not known to be local.
        let lone = std::net::UdpSocket::bind("127.0.0.1:0").expect("udp");
        assert!(!is_local(&OwnedFd::from(lone)));
    }

    #[test]
    fn raw_first_locally_compressed_first_across_a_network() {
        let local = encodings(true);
        let remote = encodings(false);
        assert_eq!(local[0], E::Raw.into_glib());
        assert_eq!(remote[0], E::Zrle.into_glib());
        // Same encodings either way, only the order differs; no lossy JPEG.
        let (mut l, mut r) = (local.clone(), remote.clone());
        l.sort();
        r.sort();
        assert_eq!(l, r);
        assert!(!local.contains(&E::TightJpeg5.into_glib()));
    }
}
