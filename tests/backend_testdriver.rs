// SPDX-License-Identifier: GPL-3.0-or-later
//! The backend against libvirt's test driver (real libvirt code, in-process, no daemon):
//! listing, every lifecycle command and the event it produces, and the typed errors a user
//! sees for a bad URI, an unknown domain and a command in the wrong state.

mod common;

use std::time::Duration;

use common::Harness;
use vireo::backend::events::LifecycleEvent;
use vireo::backend::{Action, BackendEvent, Command, ConnId, ConnState, DomainState, ErrorKind};

const T: Duration = Duration::from_secs(10);

/// Applies `action`, expects success, then the lifecycle event `expect` and a row update
/// with `state`.
fn act_expect(
    h: &mut Harness,
    id: ConnId,
    uuid: &str,
    action: Action,
    expect: LifecycleEvent,
    state: DomainState,
) {
    let r = h.act(id, uuid, action);
    assert!(
        matches!(r, BackendEvent::ActionDone { .. }),
        "{action:?} failed: {r:?}"
    );
    h.wait_for(&format!("{expect:?} event after {action:?}"), T, |e| {
        matches!(e, BackendEvent::Lifecycle { event, .. } if event.uuid == uuid && event.event == expect)
    });
    h.wait_for(&format!("row update to {state:?}"), T, |e| {
        matches!(e, BackendEvent::DomainUpdated { info, .. } if info.uuid == uuid && info.state == state)
    });
}

#[test]
fn lists_the_default_test_connection() {
    let mut h = Harness::new();
    let (_, doms) = h.open_listed("test:///default");
    assert_eq!(doms.len(), 1);
    assert_eq!(doms[0].name, "test");
    assert_eq!(doms[0].state, DomainState::Running);
    assert!(doms[0].persistent);
    assert!(h.seen.iter().any(|e| matches!(
        e,
        BackendEvent::State {
            state: ConnState::Connected { .. },
            ..
        }
    )));
}

#[test]
fn lists_the_testsuite_fixture() {
    let mut h = Harness::new();
    let (_, doms) = h.open_listed(&common::testsuite_uri());
    let names: Vec<_> = doms.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "test",
            "test-cdrom",
            "test-collide",
            "test-for-virtxml",
            "test-spice",
            "test-state-shutoff"
        ],
        "sorted by name"
    );
    let by = |n: &str| doms.iter().find(|d| d.name == n).unwrap();
    assert_eq!(by("test-state-shutoff").state, DomainState::Shutoff);
    assert_eq!(by("test").state, DomainState::Running);
    assert!(doms.iter().all(|d| d.uuid.len() == 36), "uuids: {doms:?}");
}

#[test]
fn every_lifecycle_command_produces_its_event() {
    let mut h = Harness::new();
    let (id, doms) = h.open_listed(&common::private_node("lifecycle", 1));
    let uuid = doms[0].uuid.clone();
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::Pause,
        LifecycleEvent::Suspended,
        DomainState::Paused,
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::Resume,
        LifecycleEvent::Resumed,
        DomainState::Running,
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::Shutdown,
        LifecycleEvent::Stopped,
        DomainState::Shutoff,
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::Start,
        LifecycleEvent::Started,
        DomainState::Running,
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::ManagedSave,
        LifecycleEvent::Stopped,
        DomainState::Shutoff,
    );
    // The saved image is recorded (the next start restores it).
    assert!(
        h.seen.iter().rev().any(
            |e| matches!(e, BackendEvent::DomainUpdated { info, .. } if info.has_managed_save)
        ),
        "managed save image not reported"
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::Start,
        LifecycleEvent::Started,
        DomainState::Running,
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::ForceOff,
        LifecycleEvent::Stopped,
        DomainState::Shutoff,
    );
    act_expect(
        &mut h,
        id,
        &uuid,
        Action::Start,
        LifecycleEvent::Started,
        DomainState::Running,
    );
    // The test driver emits no event for reboot and reset (QEMU does: see
    // backend_qemu.rs); here they must at least succeed and leave the guest running.
    for a in [Action::Reboot, Action::Reset] {
        let r = h.act(id, &uuid, a);
        assert!(matches!(r, BackendEvent::ActionDone { .. }), "{a:?}: {r:?}");
    }
    h.backend.send(id, Command::Refresh);
    h.wait_for("still running", T, |e| {
        matches!(e, BackendEvent::Domains { domains, .. } if domains[0].state == DomainState::Running)
    });
}

#[test]
fn a_bad_uri_is_refused_with_a_reason() {
    let mut h = Harness::new();
    let err = h.backend.open("qemu:///sytem").unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidUri);
    assert!(err.message.contains("/sytem"), "{}", err.message);
    // A well-formed URI that libvirt refuses: the test driver with a missing file.
    let id = h
        .backend
        .open("test:///nonexistent/vireo-node.xml")
        .unwrap();
    let ev = h.wait_for("failed state", T, |e| {
        matches!(
            e,
            BackendEvent::State {
                state: ConnState::Failed(_),
                ..
            }
        )
    });
    let BackendEvent::State {
        conn,
        state: ConnState::Failed(e),
    } = ev
    else {
        unreachable!()
    };
    assert_eq!(conn, id);
    assert!(
        e.message.contains("/nonexistent/vireo-node.xml"),
        "libvirt's message kept: {}",
        e.message
    );
    assert!(e.code.is_some());
}

#[test]
fn unknown_domain_is_not_found_with_libvirts_message() {
    let mut h = Harness::new();
    let (id, _) = h.open_listed(&common::private_node("unknown", 1));
    let r = h.act(id, "00000000-0000-4000-8000-00000000dead", Action::Start);
    let BackendEvent::ActionFailed { error, .. } = r else {
        panic!("expected failure: {r:?}")
    };
    assert_eq!(error.kind, ErrorKind::NotFound, "{error:?}");
    assert!(
        error.message.to_lowercase().contains("domain"),
        "{}",
        error.message
    );
    assert_eq!(error.code, Some(virt::sys::VIR_ERR_NO_DOMAIN as i32));
}

#[test]
fn resume_of_a_running_guest_is_invalid_state() {
    let mut h = Harness::new();
    let (id, doms) = h.open_listed(&common::private_node("resume", 1));
    let r = h.act(id, &doms[0].uuid, Action::Resume);
    let BackendEvent::ActionFailed { error, .. } = r else {
        panic!("expected failure: {r:?}")
    };
    assert_eq!(error.kind, ErrorKind::InvalidState, "{error:?}");
    assert!(
        error.message.contains("not paused"),
        "libvirt's own words: {}",
        error.message
    );
    // Starting a running guest is the same kind of mistake.
    let r = h.act(id, &doms[0].uuid, Action::Start);
    let BackendEvent::ActionFailed { error, .. } = r else {
        panic!("expected failure: {r:?}")
    };
    assert_eq!(error.kind, ErrorKind::InvalidState, "{error:?}");
}

#[test]
fn a_thousand_domains_list_quickly() {
    let mut h = Harness::new();
    let t = std::time::Instant::now();
    let (_, doms) = h.open_listed(&common::private_node("thousand", 1000));
    assert_eq!(doms.len(), 1000);
    assert_eq!(doms[999].name, "vm1000");
    // Not a benchmark (see benches/), a guard against an accidental O(n²): generous bound.
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
}

#[test]
fn disconnect_and_connect_again() {
    let mut h = Harness::new();
    let uri = common::private_node("reconnect", 2);
    // A saved connection that does not autoconnect starts disconnected.
    let id = h.backend.open_with(&uri, false).unwrap();
    h.wait_for("idle", T, |e| {
        matches!(
            e,
            BackendEvent::State {
                state: ConnState::Disconnected,
                ..
            }
        )
    });
    h.backend.send(id, Command::Connect);
    h.wait_for(
        "listed",
        T,
        |e| matches!(e, BackendEvent::Domains { domains, .. } if domains.len() == 2),
    );
    h.backend.send(id, Command::Disconnect);
    h.wait_for("disconnected", T, |e| {
        matches!(
            e,
            BackendEvent::State {
                state: ConnState::Disconnected,
                ..
            }
        )
    });
    // Commands while disconnected fail cleanly.
    let r = h.act(id, "00000000-0000-4000-8000-000000000001", Action::Pause);
    assert!(
        matches!(r, BackendEvent::ActionFailed { error, .. } if error.kind == ErrorKind::ConnectionLost)
    );
    h.backend.send(id, Command::Connect);
    h.wait_for(
        "listed again",
        T,
        |e| matches!(e, BackendEvent::Domains { domains, .. } if domains.len() == 2),
    );
}

#[test]
fn stats_ticks_arrive_on_schedule() {
    use vireo::backend::stats::StatsGroups;
    use vireo::backend::StatsSchedule;
    let mut h = Harness::new();
    let (id, _) = h.open_listed(&common::private_node("ticks", 50));
    h.backend.send(
        id,
        Command::SetStats(Some(StatsSchedule {
            interval: Duration::from_millis(200),
            groups: StatsGroups::ALL,
            host: true,
        })),
    );
    let start = std::time::Instant::now();
    let mut times = Vec::new();
    while times.len() < 4 {
        let ev = h.wait_for("stats tick", T, |e| matches!(e, BackendEvent::Stats { .. }));
        let BackendEvent::Stats {
            t, records, host, ..
        } = ev
        else {
            unreachable!()
        };
        assert_eq!(
            records.len(),
            50,
            "one bulk call covers every running domain"
        );
        assert!(host.is_some(), "host counters requested");
        times.push(t);
    }
    // Four ticks at 200 ms: about 0.6 s after the first, on the worker's clock.
    let span = times[3] - times[0];
    assert!((0.5..1.5).contains(&span), "ticks {times:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    // Stop: no more ticks.
    h.backend.send(id, Command::SetStats(None));
    h.pump(Duration::from_millis(300));
    let mark = h.mark();
    h.pump(Duration::from_millis(600));
    let late = h.seen[mark..]
        .iter()
        .filter(|e| matches!(e, BackendEvent::Stats { .. }))
        .count();
    assert_eq!(late, 0, "ticks after SetStats(None)");
}

#[test]
fn a_preopened_connection_is_claimed_by_open_and_others_are_closed() {
    let mut h = Harness::new();
    h.backend.preopen("test:///default");
    h.backend.preopen("test:///default?unclaimed");
    h.backend.preopen("no such uri"); // refused: left for `open` to report
    let id = h.backend.open("test:///default").expect("claimed");
    assert_eq!(h.backend.ids().len(), 2);
    h.backend.close_unclaimed();
    assert_eq!(h.backend.ids(), vec![id]);
    // The claimed worker is the one already connecting: it lists, once.
    h.wait_for(
        "the claimed connection's listing",
        T,
        |e| matches!(e, BackendEvent::Domains { conn, .. } if *conn == id),
    );
    assert!(h.backend.open("no such uri").is_err());
    // A second open of the same URI is a second connection, as before.
    let again = h.backend.open("test:///default").expect("opened");
    assert_ne!(again, id);
}
