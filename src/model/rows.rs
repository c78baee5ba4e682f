// SPDX-License-Identifier: GPL-3.0-or-later
//! The guest list's rows as a keyed table, and the diff that turns a connection's fresh
//! listing into the fewest changes: rows are keyed by (connection, UUID), so the same guest
//! name on two connections is two rows, and a rename is an update of one row, not a removal
//! and an addition (the row keeps its selection and its graphs).

use std::collections::{HashMap, HashSet};

use crate::backend::{ConnId, DomainInfo};

/// A row's identity.
pub type RowKey = (ConnId, String);

/// One change to apply to the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Add(DomainInfo),
    Remove(String),
    /// The row exists; `renamed` says whether the list must re-sort by name.
    Update {
        info: DomainInfo,
        renamed: bool,
    },
}

/// The rows currently shown, as last applied.
#[derive(Debug, Default, Clone)]
pub struct Rows {
    rows: HashMap<RowKey, DomainInfo>,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn get(&self, conn: ConnId, uuid: &str) -> Option<&DomainInfo> {
        self.rows.get(&(conn, uuid.to_string()))
    }

    /// What must change for connection `conn` to show exactly `listing`. Unchanged rows
    /// produce nothing; other connections' rows are never touched.
    pub fn diff(&self, conn: ConnId, listing: &[DomainInfo]) -> Vec<Change> {
        let fresh: HashSet<&str> = listing.iter().map(|d| d.uuid.as_str()).collect();
        let mut gone: Vec<&String> = self
            .rows
            .keys()
            .filter(|(c, uuid)| *c == conn && !fresh.contains(uuid.as_str()))
            .map(|(_, uuid)| uuid)
            .collect();
        gone.sort();
        let mut changes: Vec<Change> = gone
            .into_iter()
            .map(|u| Change::Remove(u.clone()))
            .collect();
        for info in listing {
            match self.get(conn, &info.uuid) {
                None => changes.push(Change::Add(info.clone())),
                Some(old) if old != info => changes.push(Change::Update {
                    info: info.clone(),
                    renamed: old.name != info.name,
                }),
                Some(_) => {}
            }
        }
        changes
    }

    /// Records changes as applied.
    pub fn apply(&mut self, conn: ConnId, changes: &[Change]) {
        for c in changes {
            match c {
                Change::Add(info) | Change::Update { info, .. } => {
                    self.rows.insert((conn, info.uuid.clone()), info.clone());
                }
                Change::Remove(uuid) => {
                    self.rows.remove(&(conn, uuid.clone()));
                }
            }
        }
    }

    /// One domain's fresh data (after its event): the change it makes, if any.
    pub fn update_one(&self, conn: ConnId, info: &DomainInfo) -> Option<Change> {
        match self.get(conn, &info.uuid) {
            None => Some(Change::Add(info.clone())),
            Some(old) if old != info => Some(Change::Update {
                info: info.clone(),
                renamed: old.name != info.name,
            }),
            Some(_) => None,
        }
    }

    /// Forgets every row of a connection; returns the removals.
    pub fn clear(&mut self, conn: ConnId) -> Vec<Change> {
        let changes = self.diff(conn, &[]);
        self.apply(conn, &changes);
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::DomainState;

    fn dom(uuid: &str, name: &str, state: DomainState) -> DomainInfo {
        DomainInfo {
            uuid: uuid.into(),
            name: name.into(),
            title: None,
            description: None,
            state,
            persistent: true,
            autostart: false,
            has_managed_save: false,
        }
    }

    fn applied(rows: &mut Rows, conn: ConnId, listing: &[DomainInfo]) -> Vec<Change> {
        let c = rows.diff(conn, listing);
        rows.apply(conn, &c);
        c
    }

    #[test]
    fn first_listing_adds_every_row() {
        let mut rows = Rows::default();
        let c = applied(
            &mut rows,
            1,
            &[
                dom("a", "vm1", DomainState::Running),
                dom("b", "vm2", DomainState::Shutoff),
            ],
        );
        assert_eq!(c.len(), 2);
        assert!(c.iter().all(|c| matches!(c, Change::Add(_))));
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn an_unchanged_listing_changes_nothing() {
        let mut rows = Rows::default();
        let l = [dom("a", "vm1", DomainState::Running)];
        applied(&mut rows, 1, &l);
        assert!(rows.diff(1, &l).is_empty());
    }

    #[test]
    fn removal_addition_state_and_rename() {
        let mut rows = Rows::default();
        applied(
            &mut rows,
            1,
            &[
                dom("a", "vm1", DomainState::Running),
                dom("b", "vm2", DomainState::Running),
            ],
        );
        let c = applied(
            &mut rows,
            1,
            &[
                dom("a", "vm1-renamed", DomainState::Running),
                dom("c", "vm3", DomainState::Shutoff),
            ],
        );
        assert!(c.contains(&Change::Remove("b".into())), "{c:?}");
        assert!(
            c.contains(&Change::Add(dom("c", "vm3", DomainState::Shutoff))),
            "{c:?}"
        );
        assert!(
            c.contains(&Change::Update {
                info: dom("a", "vm1-renamed", DomainState::Running),
                renamed: true
            }),
            "{c:?}"
        );
        assert_eq!(c.len(), 3);
        // A state change is an update without a re-sort.
        let c = applied(
            &mut rows,
            1,
            &[
                dom("a", "vm1-renamed", DomainState::Paused),
                dom("c", "vm3", DomainState::Shutoff),
            ],
        );
        assert_eq!(
            c,
            vec![Change::Update {
                info: dom("a", "vm1-renamed", DomainState::Paused),
                renamed: false
            }]
        );
    }

    #[test]
    fn same_name_and_uuid_on_two_connections_are_two_rows() {
        let mut rows = Rows::default();
        let l = [dom("a", "vm1", DomainState::Running)];
        applied(&mut rows, 1, &l);
        let c = applied(&mut rows, 2, &l);
        assert_eq!(
            c,
            vec![Change::Add(l[0].clone())],
            "the second connection gets its own row"
        );
        assert_eq!(rows.len(), 2);
        // Emptying connection 2 leaves connection 1's row alone.
        let c = rows.clear(2);
        assert_eq!(c, vec![Change::Remove("a".into())]);
        assert!(rows.get(1, "a").is_some());
        assert!(rows.get(2, "a").is_none());
    }

    #[test]
    fn one_domain_updates() {
        let mut rows = Rows::default();
        applied(&mut rows, 1, &[dom("a", "vm1", DomainState::Shutoff)]);
        assert_eq!(
            rows.update_one(1, &dom("a", "vm1", DomainState::Shutoff)),
            None
        );
        assert_eq!(
            rows.update_one(1, &dom("a", "vm1", DomainState::Running)),
            Some(Change::Update {
                info: dom("a", "vm1", DomainState::Running),
                renamed: false
            })
        );
        assert_eq!(
            rows.update_one(2, &dom("a", "vm1", DomainState::Running))
                .map(|c| matches!(c, Change::Add(_))),
            Some(true)
        );
    }
}
