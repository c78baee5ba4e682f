// SPDX-License-Identifier: GPL-3.0-or-later
//! The backend against the real system daemon and a real QEMU guest that boots (TCG where
//! KVM cannot boot it): start → Started; ACPI shutdown → Stopped(shutdown); force off →
//! Stopped(destroyed); reset → Rebooted; and libvirtd killed mid-session → connection
//! reported lost, reconnected when the daemon is back, events flowing again.
//!
//! One test function: it restarts the daemon, which nothing else may see happen.

mod common;

use std::time::Duration;

use common::system::{self, TestGuest};
use common::Harness;
use vireo::backend::events::LifecycleEvent;
use vireo::backend::{Action, BackendEvent, Command, ConnId, ConnState, DomainState};

/// Sends `action` and waits for its success; returns the history mark from before it.
fn lifecycle(h: &mut Harness, id: ConnId, uuid: &str, action: Action) -> usize {
    let mark = h.mark();
    h.backend.send(
        id,
        Command::Lifecycle {
            uuid: uuid.to_string(),
            action,
        },
    );
    let r = h.wait_for(&format!("{action:?} result"), Duration::from_secs(60), |e| {
        matches!(e, BackendEvent::ActionDone { action: a, .. } | BackendEvent::ActionFailed { action: a, .. } if *a == action)
    });
    assert!(
        matches!(r, BackendEvent::ActionDone { .. }),
        "{action:?} failed: {r:?}"
    );
    mark
}

/// Waits for a lifecycle event of `uuid` seen after `mark`.
fn expect_event(
    h: &mut Harness,
    mark: usize,
    uuid: &str,
    event: LifecycleEvent,
    detail: Option<u32>,
    timeout: Duration,
) {
    h.wait_since(
        mark,
        &format!("{event:?} (detail {detail:?})"),
        timeout,
        |e| {
            matches!(e, BackendEvent::Lifecycle { event: ev, .. }
            if ev.uuid == uuid && ev.event == event && detail.is_none_or(|d| ev.detail == d as i32))
        },
    );
}

#[test]
fn real_guest_lifecycle_and_daemon_restart() {
    if !system::available("real_guest_lifecycle_and_daemon_restart") {
        return;
    }
    let _daemon = system::DaemonGuard;
    let guest = TestGuest::define("vireo-test-backend", "vireo-test-vnc.xml");
    let mut h = Harness::new();
    let (id, doms) = h.open_listed(system::SYSTEM_URI);
    let row = doms
        .iter()
        .find(|d| d.uuid == guest.uuid)
        .expect("defined guest is listed");
    assert_eq!(row.state, DomainState::Shutoff);

    // Boot it for real and wait for the guest's own output.
    let m = lifecycle(&mut h, id, &guest.uuid, Action::Start);
    expect_event(
        &mut h,
        m,
        &guest.uuid,
        LifecycleEvent::Started,
        Some(virt::sys::VIR_DOMAIN_EVENT_STARTED_BOOTED),
        Duration::from_secs(30),
    );
    guest.wait_serial("tick 1 ", Duration::from_secs(120));
    assert_eq!(guest.state_seen_by_libvirt(), "running");

    // Graceful shutdown: the guest's acpid powers it off.
    let m = lifecycle(&mut h, id, &guest.uuid, Action::Shutdown);
    expect_event(
        &mut h,
        m,
        &guest.uuid,
        LifecycleEvent::Stopped,
        Some(virt::sys::VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN),
        Duration::from_secs(90),
    );
    h.wait_for("row shut off", Duration::from_secs(10), |e| {
        matches!(e, BackendEvent::DomainUpdated { info, .. } if info.uuid == guest.uuid && info.state == DomainState::Shutoff)
    });

    // Reset reaches QEMU and comes back as a reboot event; force off as destroyed.
    for (action, event, detail) in [
        (Action::Start, LifecycleEvent::Started, None),
        (Action::Reset, LifecycleEvent::Rebooted, None),
        (Action::Pause, LifecycleEvent::Suspended, None),
        (Action::Resume, LifecycleEvent::Resumed, None),
        (
            Action::ForceOff,
            LifecycleEvent::Stopped,
            Some(virt::sys::VIR_DOMAIN_EVENT_STOPPED_DESTROYED),
        ),
    ] {
        let m = lifecycle(&mut h, id, &guest.uuid, action);
        expect_event(
            &mut h,
            m,
            &guest.uuid,
            event,
            detail,
            Duration::from_secs(30),
        );
    }
    assert_eq!(guest.state_seen_by_libvirt(), "shut off");

    // The daemon goes away mid-session.
    let m = lifecycle(&mut h, id, &guest.uuid, Action::Start);
    expect_event(
        &mut h,
        m,
        &guest.uuid,
        LifecycleEvent::Started,
        None,
        Duration::from_secs(30),
    );
    system::kill_libvirtd();
    let lost = h.wait_for(
        "connection lost",
        Duration::from_secs(30),
        |e| matches!(e, BackendEvent::State { conn, state: ConnState::Lost { .. } } if *conn == id),
    );
    eprintln!("reported: {lost:?}");
    // While it is gone, commands fail cleanly (no panic, a typed error).
    h.backend.send(
        id,
        Command::Lifecycle {
            uuid: guest.uuid.clone(),
            action: Action::Pause,
        },
    );
    let r = h.wait_for("pause while down", Duration::from_secs(10), |e| {
        matches!(e, BackendEvent::ActionFailed { .. })
    });
    let BackendEvent::ActionFailed { error, .. } = r else {
        unreachable!()
    };
    assert_eq!(
        error.kind,
        vireo::backend::ErrorKind::ConnectionLost,
        "{error:?}"
    );

    system::libvirt_up();
    h.wait_for("reconnected", Duration::from_secs(90), |e| {
        matches!(e, BackendEvent::State { conn, state: ConnState::Connected { .. } } if *conn == id)
    });
    let reconnected = h.mark();
    h.wait_for(
        "relisted with the running guest",
        Duration::from_secs(30),
        |e| {
            matches!(e, BackendEvent::Domains { conn, domains } if *conn == id
            && domains.iter().any(|d| d.uuid == guest.uuid && d.state == DomainState::Running))
        },
    );
    // Events flow again on the new connection: ForceOff's stop arrives. (Once on this
    // machine libvirtd stopped the guest itself while reconnecting to it, "reason=daemon"
    // in the guest's QEMU log, right after relisting it as running; then ForceOff has
    // nothing to stop, and the daemon's own stop is the event that must arrive.)
    h.backend.send(
        id,
        Command::Lifecycle {
            uuid: guest.uuid.clone(),
            action: Action::ForceOff,
        },
    );
    let r = h.wait_for("ForceOff result", Duration::from_secs(60), |e| {
        matches!(
            e,
            BackendEvent::ActionDone {
                action: Action::ForceOff,
                ..
            } | BackendEvent::ActionFailed {
                action: Action::ForceOff,
                ..
            }
        )
    });
    if let BackendEvent::ActionFailed { error, .. } = &r {
        assert_eq!(
            guest.state_seen_by_libvirt(),
            "shut off",
            "ForceOff failed on a running guest: {error:?}"
        );
        eprintln!("libvirtd stopped the guest itself while reconnecting ({error:?})");
    }
    expect_event(
        &mut h,
        reconnected,
        &guest.uuid,
        LifecycleEvent::Stopped,
        None,
        Duration::from_secs(30),
    );
    assert_eq!(guest.state_seen_by_libvirt(), "shut off");
}
