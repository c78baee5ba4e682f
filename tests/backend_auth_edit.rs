// SPDX-License-Identifier: GPL-3.0-or-later
//! The backend against libvirt's test driver, continued: credentials asked for while a
//! connection opens, and editing a definition (define, refused XML, rename, title and
//! description set live).

mod common;

use std::time::Duration;

use common::Harness;
use vireo::backend::{Action, BackendEvent, Command, ConnId, ConnState, ErrorKind};

const T: Duration = Duration::from_secs(10);

/// A test-driver node that demands a user name and password (libvirt's `<auth>`).
fn node_with_auth(tag: &str) -> String {
    let uri = common::private_node(tag, 1);
    let path = uri.trim_start_matches("test://");
    let xml = std::fs::read_to_string(path).unwrap();
    let xml = xml.replacen(
        "<node>",
        "<node><auth><user password='s3cret'>alice</user></auth>",
        1,
    );
    std::fs::write(path, xml).unwrap();
    uri
}

/// Answers every credential request of connection `id` (libvirt may ask for the user name
/// and the password in separate rounds) until it connects or fails; returns the final state
/// and the kinds of prompt seen.
fn log_in(
    h: &mut Harness,
    id: ConnId,
    user: &str,
    password: Option<&str>,
) -> (ConnState, Vec<vireo::backend::auth::PromptKind>) {
    use vireo::backend::auth::{PromptKind, Secret};
    let mut kinds = Vec::new();
    loop {
        let ev = h.wait_for("auth request or result", T, |e| {
            matches!(e, BackendEvent::AuthRequest { conn, .. } if *conn == id)
                || matches!(e, BackendEvent::State { conn, state: ConnState::Connected { .. } | ConnState::Failed(_) } if *conn == id)
        });
        match ev {
            BackendEvent::AuthRequest { request, .. } => {
                kinds.extend(request.prompts.iter().map(|p| p.kind));
                let answers: Option<Vec<Secret>> = password.map(|pw| {
                    request
                        .prompts
                        .iter()
                        .map(|p| Secret::new(if p.kind == PromptKind::User { user } else { pw }))
                        .collect()
                });
                // The answer's Debug hides it: a log of events cannot leak the password.
                if let (Some(a), Some(pw)) = (&answers, password) {
                    assert!(!format!("{a:?}").contains(pw));
                }
                request.answer(answers);
            }
            BackendEvent::State { state, .. } => return (state, kinds),
            _ => unreachable!(),
        }
    }
}

#[test]
fn credentials_are_asked_for_and_checked() {
    use vireo::backend::auth::PromptKind;
    let mut h = Harness::new();
    let id = h.backend.open(&node_with_auth("auth-ok")).unwrap();
    let (state, kinds) = log_in(&mut h, id, "alice", Some("s3cret"));
    assert!(matches!(state, ConnState::Connected { .. }), "{state:?}");
    assert!(
        kinds.contains(&PromptKind::User) && kinds.contains(&PromptKind::Password),
        "{kinds:?}"
    );
    h.wait_for(
        "listed after login",
        T,
        |e| matches!(e, BackendEvent::Domains { conn, .. } if *conn == id),
    );

    // A wrong password is refused with libvirt's reason, as a permission problem.
    let id = h.backend.open(&node_with_auth("auth-bad")).unwrap();
    let (state, _) = log_in(&mut h, id, "alice", Some("wrong"));
    let ConnState::Failed(err) = state else {
        panic!("wrong password accepted: {state:?}")
    };
    assert_eq!(err.kind, ErrorKind::Denied, "{err:?}");

    // Cancelling is a refusal too, not a hang.
    let id = h.backend.open(&node_with_auth("auth-cancel")).unwrap();
    let (state, _) = log_in(&mut h, id, "alice", None);
    assert!(matches!(state, ConnState::Failed(_)), "{state:?}");
}

#[test]
fn edit_a_definition_and_rename() {
    use vireo::backend::Edit;
    use vireo::xml::domain::Domain;
    let mut h = Harness::new();
    let (id, doms) = h.open_listed(&common::private_node("edits", 2));
    let (a, b) = (doms[0].clone(), doms[1].clone());
    h.backend.send(
        id,
        Command::GetXml {
            uuid: a.uuid.clone(),
        },
    );
    let ev = h.wait_for("xml", T, |e| matches!(e, BackendEvent::DomainXml { .. }));
    let BackendEvent::DomainXml { xml: Ok(xml), .. } = ev else {
        panic!("{ev:?}")
    };
    let mut dom = Domain::parse(&xml).unwrap();
    dom.set_title("Build server").unwrap();
    h.backend.send(
        id,
        Command::Define {
            uuid: a.uuid.clone(),
            xml: dom.to_xml(),
        },
    );
    let ev = h.wait_for("defined", T, |e| matches!(e, BackendEvent::Edited { .. }));
    assert!(
        matches!(
            ev,
            BackendEvent::Edited {
                edit: Edit::Define,
                result: Ok(()),
                ..
            }
        ),
        "{ev:?}"
    );
    // The definition holds it (the running guest keeps its live copy until restarted).
    h.backend.send(
        id,
        Command::GetXml {
            uuid: a.uuid.clone(),
        },
    );
    let ev = h.wait_for("xml again", T, |e| {
        matches!(e, BackendEvent::DomainXml { .. })
    });
    let BackendEvent::DomainXml { xml: Ok(xml), .. } = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(
        Domain::parse(&xml).unwrap().title().as_deref(),
        Some("Build server")
    );
    // Title and description set live show at once in the row.
    h.backend.send(
        id,
        Command::SetText {
            uuid: a.uuid.clone(),
            title: "Web".into(),
            description: "nginx".into(),
        },
    );
    h.wait_for("live title", T, |e| {
        matches!(e, BackendEvent::DomainUpdated { info, .. }
            if info.title.as_deref() == Some("Web") && info.description.as_deref() == Some("nginx"))
    });

    // Bad XML is refused with libvirt's message, and nothing changes.
    let mark = h.mark();
    h.backend.send(
        id,
        Command::Define {
            uuid: a.uuid.clone(),
            xml: "<domain type='test'><name>x</name>".into(),
        },
    );
    let ev = h.wait_since(mark, "refused", T, |e| {
        matches!(
            e,
            BackendEvent::Edited {
                edit: Edit::Define,
                ..
            }
        )
    });
    let BackendEvent::Edited {
        result: Err(err), ..
    } = ev
    else {
        panic!("bad XML accepted: {ev:?}")
    };
    assert_eq!(err.kind, ErrorKind::InvalidConfig, "{err:?}");

    // Rename: refused while running, refused onto an existing name, accepted when shut off.
    h.backend.send(
        id,
        Command::Rename {
            uuid: a.uuid.clone(),
            name: "renamed".into(),
        },
    );
    let ev = h.wait_for("rename running", T, |e| {
        matches!(
            e,
            BackendEvent::Edited {
                edit: Edit::Rename,
                ..
            }
        )
    });
    let BackendEvent::Edited {
        result: Err(err), ..
    } = ev
    else {
        panic!("renamed while running: {ev:?}")
    };
    assert_eq!(err.kind, ErrorKind::InvalidState, "{err:?}");
    h.act(id, &a.uuid, Action::ForceOff);
    let mark = h.mark();
    h.backend.send(
        id,
        Command::Rename {
            uuid: a.uuid.clone(),
            name: b.name.clone(),
        },
    );
    let ev = h.wait_since(mark, "rename duplicate", T, |e| {
        matches!(
            e,
            BackendEvent::Edited {
                edit: Edit::Rename,
                ..
            }
        )
    });
    assert!(
        matches!(ev, BackendEvent::Edited { result: Err(_), .. }),
        "duplicate name accepted: {ev:?}"
    );
    let mark = h.mark();
    h.backend.send(
        id,
        Command::Rename {
            uuid: a.uuid.clone(),
            name: "renamed".into(),
        },
    );
    let ev = h.wait_since(mark, "rename", T, |e| {
        matches!(
            e,
            BackendEvent::Edited {
                edit: Edit::Rename,
                ..
            }
        )
    });
    assert!(
        matches!(ev, BackendEvent::Edited { result: Ok(()), .. }),
        "{ev:?}"
    );
    h.backend.send(id, Command::Refresh);
    h.wait_for("renamed row", T, |e| {
        matches!(e, BackendEvent::Domains { domains, .. } if domains.iter().any(|d| d.uuid == a.uuid && d.name == "renamed"))
    });
}
