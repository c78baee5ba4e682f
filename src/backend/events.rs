// SPDX-License-Identifier: GPL-3.0-or-later
//! Safe wrappers over libvirt's event registration, which `virt` 0.5 does not wrap:
//! domain lifecycle events and the connection-close callback, each delivered as plain data
//! to a Rust closure.
//!
//! libvirt dispatches these callbacks from its event loop, which (after
//! [`super::init`]) is GLib's default main context: in the app that is the GTK main thread;
//! in tests, whoever iterates the default context. Closures must therefore be quick and
//! must not call libvirt RPCs; they hand the event on and return.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use virt::connect::Connect;
use virt::sys;

use super::error::{last_error, Result};

/// libvirt's lifecycle event types (`virDomainEventType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LifecycleEvent {
    Defined,
    Undefined,
    Started,
    Suspended,
    Resumed,
    Stopped,
    Shutdown,
    PmSuspended,
    Crashed,
    /// The guest reset (reboot or reset button); libvirt's separate REBOOT event, folded in
    /// here because for a user it is a lifecycle step like the others.
    Rebooted,
    Other(i32),
}

impl LifecycleEvent {
    pub fn from_raw(ev: c_int) -> Self {
        match ev as sys::virDomainEventType {
            sys::VIR_DOMAIN_EVENT_DEFINED => Self::Defined,
            sys::VIR_DOMAIN_EVENT_UNDEFINED => Self::Undefined,
            sys::VIR_DOMAIN_EVENT_STARTED => Self::Started,
            sys::VIR_DOMAIN_EVENT_SUSPENDED => Self::Suspended,
            sys::VIR_DOMAIN_EVENT_RESUMED => Self::Resumed,
            sys::VIR_DOMAIN_EVENT_STOPPED => Self::Stopped,
            sys::VIR_DOMAIN_EVENT_SHUTDOWN => Self::Shutdown,
            sys::VIR_DOMAIN_EVENT_PMSUSPENDED => Self::PmSuspended,
            sys::VIR_DOMAIN_EVENT_CRASHED => Self::Crashed,
            other => Self::Other(other as i32),
        }
    }
}

/// One lifecycle event of one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainEvent {
    pub uuid: String,
    pub name: String,
    pub event: LifecycleEvent,
    /// libvirt's detail code (e.g. `VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN`), event-specific.
    pub detail: i32,
}

/// Lifecycle events a user should hear about even while looking elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attention {
    Crashed,
    /// Paused by the hypervisor because of an error: I/O error, watchdog, failed API call.
    PausedOnError,
    /// Stopped (shut down, destroyed, failed, saved…), by anyone.
    Stopped,
}

impl DomainEvent {
    /// Whether (and why) this event deserves a desktop notification.
    pub fn attention(&self) -> Option<Attention> {
        let d = self.detail as u32;
        match self.event {
            LifecycleEvent::Crashed => Some(Attention::Crashed),
            LifecycleEvent::Stopped if d == sys::VIR_DOMAIN_EVENT_STOPPED_CRASHED => {
                Some(Attention::Crashed)
            }
            LifecycleEvent::Stopped => Some(Attention::Stopped),
            LifecycleEvent::Suspended
                if matches!(
                    d,
                    sys::VIR_DOMAIN_EVENT_SUSPENDED_IOERROR
                        | sys::VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG
                        | sys::VIR_DOMAIN_EVENT_SUSPENDED_API_ERROR
                ) =>
            {
                Some(Attention::PausedOnError)
            }
            _ => None,
        }
    }
}

/// Why libvirt closed a connection (`virConnectCloseReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseReason {
    Error,
    /// The daemon closed the socket (it stopped or restarted).
    Eof,
    /// The daemon stopped answering keepalives (host or network gone).
    Keepalive,
    /// We closed it ourselves.
    Client,
    Other(i32),
}

impl CloseReason {
    pub fn from_raw(r: c_int) -> Self {
        match r as sys::virConnectCloseReason {
            sys::VIR_CONNECT_CLOSE_REASON_ERROR => Self::Error,
            sys::VIR_CONNECT_CLOSE_REASON_EOF => Self::Eof,
            sys::VIR_CONNECT_CLOSE_REASON_KEEPALIVE => Self::Keepalive,
            sys::VIR_CONNECT_CLOSE_REASON_CLIENT => Self::Client,
            other => Self::Other(other as i32),
        }
    }

    /// English explanation for the connection's status line.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Error => "a network or protocol error closed the connection",
            Self::Eof => "the libvirt daemon closed the connection (stopped or restarted)",
            Self::Keepalive => "the host stopped answering",
            Self::Client => "closed by Vireo",
            Self::Other(_) => "the connection closed",
        }
    }
}

type LifecycleFn = Box<dyn Fn(DomainEvent) + Send + Sync>;
type CloseFn = Box<dyn Fn(CloseReason) + Send + Sync>;

unsafe fn cstr(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        // SAFETY: libvirt returns NUL-terminated strings owned by the domain object.
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

unsafe extern "C" fn lifecycle_trampoline(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    event: c_int,
    detail: c_int,
    opaque: *mut c_void,
) -> c_int {
    unsafe { deliver(dom, LifecycleEvent::from_raw(event), detail, opaque) };
    0
}

unsafe fn deliver(
    dom: sys::virDomainPtr,
    event: LifecycleEvent,
    detail: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: opaque is the Box<LifecycleFn> we registered; libvirt keeps it alive until
    // it calls `free_lifecycle`.
    let f = unsafe { &*(opaque as *const LifecycleFn) };
    let mut buf = [0 as c_char; sys::VIR_UUID_STRING_BUFLEN as usize];
    // Both calls read the local domain object; no RPC.
    let uuid = if unsafe { sys::virDomainGetUUIDString(dom, buf.as_mut_ptr()) } == 0 {
        unsafe { cstr(buf.as_ptr()) }
    } else {
        String::new()
    };
    let name = unsafe { cstr(sys::virDomainGetName(dom)) };
    let ev = DomainEvent {
        uuid,
        name,
        event,
        detail,
    };
    // A panic must not unwind into C.
    let _ = catch_unwind(AssertUnwindSafe(|| f(ev)));
}

unsafe extern "C" fn reboot_trampoline(
    conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    opaque: *mut c_void,
) {
    // A reboot is reported as a lifecycle event with our own event type.
    unsafe { deliver(dom, LifecycleEvent::Rebooted, 0, opaque) };
    let _ = conn;
}

unsafe extern "C" fn free_lifecycle(opaque: *mut c_void) {
    // SAFETY: created by Box::into_raw in `register_lifecycle`; libvirt calls this once.
    drop(unsafe { Box::from_raw(opaque as *mut LifecycleFn) });
}

unsafe extern "C" fn close_trampoline(
    _conn: sys::virConnectPtr,
    reason: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: opaque is the Box<CloseFn> registered in `register_close`.
    let f = unsafe { &*(opaque as *const CloseFn) };
    let _ = catch_unwind(AssertUnwindSafe(|| f(CloseReason::from_raw(reason))));
}

unsafe extern "C" fn free_close(opaque: *mut c_void) {
    // SAFETY: created by Box::into_raw in `register_close`.
    drop(unsafe { Box::from_raw(opaque as *mut CloseFn) });
}

/// Registers `f` for lifecycle (and reboot) events of every domain of `conn`. Returns
/// libvirt's callback ids for [`deregister_lifecycle`].
pub fn register_lifecycle(
    conn: &Connect,
    f: impl Fn(DomainEvent) + Send + Sync + Clone + 'static,
) -> Result<Vec<c_int>> {
    let mut ids = vec![register_one(
        conn,
        sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        Box::new(f.clone()),
    )?];
    match register_one(conn, sys::VIR_DOMAIN_EVENT_ID_REBOOT, Box::new(f)) {
        Ok(id) => ids.push(id),
        Err(e) => log::debug!("no reboot events: {e}"),
    }
    Ok(ids)
}

fn register_one(conn: &Connect, event_id: sys::virDomainEventID, f: LifecycleFn) -> Result<c_int> {
    let boxed: Box<LifecycleFn> = Box::new(f);
    let opaque = Box::into_raw(boxed) as *mut c_void;
    type LifecycleCb = unsafe extern "C" fn(
        sys::virConnectPtr,
        sys::virDomainPtr,
        c_int,
        c_int,
        *mut c_void,
    ) -> c_int;
    type GenericCb = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void);
    // SAFETY: libvirt calls the generic callback with the signature that matches the event
    // id; for VIR_DOMAIN_EVENT_ID_LIFECYCLE that is `LifecycleCb` (libvirt's own
    // VIR_DOMAIN_EVENT_CALLBACK cast does the same).
    let cb: GenericCb = if event_id == sys::VIR_DOMAIN_EVENT_ID_REBOOT {
        reboot_trampoline
    } else {
        unsafe { std::mem::transmute::<LifecycleCb, GenericCb>(lifecycle_trampoline) }
    };
    // SAFETY: conn is a valid connection; opaque/free pair as documented by libvirt.
    let id = unsafe {
        sys::virConnectDomainEventRegisterAny(
            conn.as_ptr(),
            std::ptr::null_mut(),
            event_id as c_int,
            Some(cb),
            opaque,
            Some(free_lifecycle),
        )
    };
    if id < 0 {
        let err = last_error();
        // libvirt did not take ownership on failure.
        unsafe { free_lifecycle(opaque) };
        return Err(err);
    }
    Ok(id)
}

/// Removes lifecycle registrations. Errors (e.g. the connection is already dead) are
/// returned for logging; there is nothing else to do about them.
pub fn deregister_lifecycle(conn: &Connect, ids: &[c_int]) -> Result<()> {
    let mut result = Ok(());
    for &id in ids {
        // SAFETY: valid connection.
        if unsafe { sys::virConnectDomainEventDeregisterAny(conn.as_ptr(), id) } < 0 {
            result = Err(last_error());
        }
    }
    result
}

/// Registers `f` to be told when `conn` closes. One per connection.
pub fn register_close(
    conn: &Connect,
    f: impl Fn(CloseReason) + Send + Sync + 'static,
) -> Result<()> {
    let boxed: Box<CloseFn> = Box::new(Box::new(f));
    let opaque = Box::into_raw(boxed) as *mut c_void;
    // SAFETY: as above.
    let rc = unsafe {
        sys::virConnectRegisterCloseCallback(
            conn.as_ptr(),
            Some(close_trampoline),
            opaque,
            Some(free_close),
        )
    };
    if rc < 0 {
        let err = last_error();
        unsafe { free_close(opaque) };
        return Err(err);
    }
    Ok(())
}

/// Removes the close callback (before we close the connection ourselves).
pub fn unregister_close(conn: &Connect) -> Result<()> {
    // SAFETY: valid connection; the callback pointer identifies our registration.
    if unsafe { sys::virConnectUnregisterCloseCallback(conn.as_ptr(), Some(close_trampoline)) } < 0
    {
        return Err(last_error());
    }
    Ok(())
}

/// Turns on keepalive probes (every `interval` s, `count` misses = dead), so a host that
/// vanishes without closing the socket is noticed. Local drivers do not support it; that
/// is not an error.
pub fn enable_keepalive(conn: &Connect, interval: i32, count: u32) {
    let _ = conn.set_keep_alive(interval, count);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: LifecycleEvent, detail: u32) -> DomainEvent {
        DomainEvent {
            uuid: "u".into(),
            name: "vm".into(),
            event,
            detail: detail as i32,
        }
    }

    #[test]
    fn what_deserves_a_notification() {
        use Attention::*;
        assert_eq!(ev(LifecycleEvent::Crashed, 0).attention(), Some(Crashed));
        assert_eq!(
            ev(
                LifecycleEvent::Stopped,
                sys::VIR_DOMAIN_EVENT_STOPPED_CRASHED
            )
            .attention(),
            Some(Crashed)
        );
        assert_eq!(
            ev(
                LifecycleEvent::Stopped,
                sys::VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN
            )
            .attention(),
            Some(Stopped)
        );
        assert_eq!(
            ev(
                LifecycleEvent::Suspended,
                sys::VIR_DOMAIN_EVENT_SUSPENDED_IOERROR
            )
            .attention(),
            Some(PausedOnError)
        );
        assert_eq!(
            ev(
                LifecycleEvent::Suspended,
                sys::VIR_DOMAIN_EVENT_SUSPENDED_WATCHDOG
            )
            .attention(),
            Some(PausedOnError)
        );
        // A pause the user asked for is not news.
        assert_eq!(
            ev(
                LifecycleEvent::Suspended,
                sys::VIR_DOMAIN_EVENT_SUSPENDED_PAUSED
            )
            .attention(),
            None
        );
        assert_eq!(ev(LifecycleEvent::Started, 0).attention(), None);
        assert_eq!(ev(LifecycleEvent::Rebooted, 0).attention(), None);
    }
}
