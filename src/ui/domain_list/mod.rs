// SPDX-License-Identifier: GPL-3.0-or-later
//! The guest list: one virtualised `GtkColumnView` of every guest of every connection,
//! grouped under a row per connection (a `GtkTreeListModel`), filtered by the search text,
//! sorted by any column, with multiple selection. Only visible rows exist as widgets, so a
//! thousand guests cost a thousand small GObjects, not a thousand widget trees.
//!
//! Backend events are applied as diffs keyed by (connection, UUID): an existing object is
//! updated in place (its cells re-render through property notifications), new ones are
//! added, vanished ones removed. Nothing is ever rebuilt.

mod cell;
pub use cell::ListCell as CellRef;
pub mod columns;
pub mod menus;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gtk::prelude::*;
use gtk::{gio, glib};

use super::conn_object::ConnObject;
use super::domain_object::DomainObject;
use crate::backend::{ConnId, DomainInfo};
use crate::model::rows::{Change, Rows};

pub struct DomainList {
    pub view: gtk::ColumnView,
    pub selection: gtk::MultiSelection,
    /// (id, column) of every column, for showing and hiding them.
    pub columns: Vec<(String, gtk::ColumnViewColumn)>,
    roots: gio::ListStore,
    conns: HashMap<ConnId, ConnObject>,
    /// Every domain by connection and UUID (looked up by `&str`, no key allocated).
    index: HashMap<ConnId, HashMap<String, DomainObject>>,
    /// The rows as last applied: the diffing is pure (`crate::model::rows`).
    rows: Rows,
    filter: gtk::CustomFilter,
    query: Rc<RefCell<String>>,
    name_sorter: gtk::CustomSorter,
}

impl DomainList {
    pub fn new() -> Self {
        let query = Rc::new(RefCell::new(String::new()));
        let q = query.clone();
        let filter = gtk::CustomFilter::new(move |item| {
            item.downcast_ref::<DomainObject>()
                .is_none_or(|d| d.matches(&q.borrow()))
        });
        let roots = gio::ListStore::new::<ConnObject>();
        let tree = columns::tree_model(&roots);
        // The view's sorter, applied to siblings only (guests stay under their connection).
        let row_sorter = gtk::TreeListRowSorter::new(None::<gtk::Sorter>);
        let sorted = gtk::SortListModel::new(Some(tree), Some(row_sorter.clone()));
        let selection = gtk::MultiSelection::new(Some(sorted));
        let (view, name_sorter, columns) = columns::build(&selection);
        row_sorter.set_sorter(view.sorter().as_ref());
        DomainList {
            view,
            selection,
            columns,
            roots,
            conns: HashMap::new(),
            index: HashMap::new(),
            rows: Rows::default(),
            filter,
            query,
            name_sorter,
        }
    }

    /// Number of domains listed (all connections, ignoring the search).
    pub fn len(&self) -> usize {
        self.index.values().map(HashMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.index.values().all(HashMap::is_empty)
    }

    /// Number of domains the search lets through.
    pub fn visible_len(&self) -> usize {
        self.conns
            .values()
            .filter_map(|c| c.children())
            .map(|m| m.n_items() as usize)
            .sum()
    }

    /// Shows a connection row (before its guests arrive).
    pub fn add_conn(&mut self, conn: ConnId, label: &str) {
        if !self.conns.contains_key(&conn) {
            let c = ConnObject::new(conn, label, &self.filter);
            self.roots.append(&c);
            self.conns.insert(conn, c);
        }
    }

    /// Updates a connection row's status line.
    pub fn set_conn_status(&self, conn: ConnId, status: &str, problem: bool, connected: bool) {
        if let Some(c) = self.conns.get(&conn) {
            if c.connected() != connected {
                c.set_connected(connected);
            }
            if c.status() != status {
                c.set_status(status);
            }
            if c.problem() != problem {
                c.set_problem(problem);
            }
        }
    }

    /// Removes a connection row and its guests.
    pub fn drop_conn(&mut self, conn: ConnId) {
        self.index.remove(&conn);
        self.rows.clear(conn);
        if let Some(c) = self.conns.remove(&conn) {
            if let Some(pos) = self.roots.find(&c) {
                self.roots.remove(pos);
            }
        }
    }

    /// Applies a full listing of one connection as a diff (`crate::model::rows`).
    pub fn replace_conn(&mut self, conn: ConnId, domains: &[DomainInfo]) {
        if !self.conns.contains_key(&conn) {
            return;
        }
        let changes = self.rows.diff(conn, domains);
        self.apply(conn, &changes);
    }

    /// Applies one domain's fresh data.
    pub fn update(&mut self, conn: ConnId, info: &DomainInfo) {
        if let Some(change) = self.rows.update_one(conn, info) {
            self.apply(conn, std::slice::from_ref(&change));
        }
    }

    /// Applies changes to the GObjects: one batch of additions, in-place updates (cells
    /// re-render through notifications), removals; re-sorts and re-filters only if needed.
    fn apply(&mut self, conn: ConnId, changes: &[Change]) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let store = c.domains();
        let index = self.index.entry(conn).or_default();
        let mut added = Vec::new();
        let mut removed = HashSet::new();
        let (mut renamed, mut text_changed) = (false, false);
        for change in changes {
            match change {
                Change::Add(info) => {
                    let o = DomainObject::new(conn, info);
                    index.insert(info.uuid.clone(), o.clone());
                    added.push(o);
                }
                Change::Update { info, renamed: r } => {
                    if let Some(o) = index.get(&info.uuid) {
                        text_changed |= *r || o.title() != info.title.clone().unwrap_or_default();
                        o.apply(info);
                    }
                    renamed |= *r;
                }
                Change::Remove(uuid) => {
                    if index.remove(uuid).is_some() {
                        removed.insert(uuid.clone());
                    }
                }
            }
        }
        self.rows.apply(conn, changes);
        if !removed.is_empty() {
            store.retain(|o| {
                o.downcast_ref::<DomainObject>()
                    .is_some_and(|o| !removed.contains(&o.uuid()))
            });
        }
        if !added.is_empty() {
            // One items-changed for the whole batch.
            store.extend_from_slice(&added);
        }
        if renamed {
            self.name_sorter.changed(gtk::SorterChange::Different);
        }
        if text_changed && !self.query.borrow().is_empty() {
            self.filter.changed(gtk::FilterChange::Different);
        }
    }

    pub fn remove(&mut self, conn: ConnId, uuid: &str) {
        if self.rows.get(conn, uuid).is_some() {
            self.apply(conn, &[Change::Remove(uuid.to_string())]);
        }
    }

    /// Drops every domain of a connection (lost or failed); the connection row stays.
    pub fn clear_conn(&mut self, conn: ConnId) {
        self.replace_conn(conn, &[]);
    }

    /// Sets the search text (case-insensitive substring of name, title, description).
    pub fn set_query(&self, text: &str) {
        let lower = text.trim().to_lowercase();
        if *self.query.borrow() == lower {
            return;
        }
        let narrower = lower.contains(self.query.borrow().as_str());
        self.query.replace(lower);
        self.filter.changed(if narrower {
            gtk::FilterChange::MoreStrict
        } else {
            gtk::FilterChange::Different
        });
    }

    pub fn query(&self) -> String {
        self.query.borrow().clone()
    }

    /// A domain of a connection.
    pub fn domain(&self, conn: ConnId, uuid: &str) -> Option<&DomainObject> {
        self.index.get(&conn)?.get(uuid)
    }

    /// A connection's row object.
    pub fn conn(&self, conn: ConnId) -> Option<&ConnObject> {
        self.conns.get(&conn)
    }

    /// Every domain of a connection, with its UUID.
    pub fn domains_of(&self, conn: ConnId) -> impl Iterator<Item = (&str, &DomainObject)> {
        self.index
            .get(&conn)
            .into_iter()
            .flatten()
            .map(|(u, o)| (u.as_str(), o))
    }

    /// Finds a domain by UUID on any connection (the first, in connection order).
    pub fn find(&self, uuid: &str) -> Option<DomainObject> {
        self.index
            .iter()
            .filter_map(|(c, m)| Some((c, m.get(uuid)?)))
            .min_by_key(|(c, _)| **c)
            .map(|(_, o)| o.clone())
    }

    /// The selected guests (connection rows in the selection are ignored).
    pub fn selected(&self) -> Vec<DomainObject> {
        selected_in(&self.selection)
    }

    /// The statistics changed: re-sort if a graph column sorts the list.
    pub fn metrics_changed(&self) {
        for (id, c) in &self.columns {
            if matches!(id.as_str(), "cpu" | "memory" | "disk" | "network") {
                if let Some(s) = c.sorter() {
                    s.changed(gtk::SorterChange::Different);
                }
            }
        }
    }

    /// Shows or hides a column by id.
    pub fn set_column_visible(&self, id: &str, visible: bool) {
        if let Some((_, c)) = self.columns.iter().find(|(i, _)| i == id) {
            c.set_visible(visible);
        }
    }

    /// Runs `f` once after the next frame is painted (start-up measurement).
    pub fn after_next_paint(&self, f: impl FnOnce() + 'static) {
        let f = RefCell::new(Some(f));
        self.view.add_tick_callback(move |w, _| {
            if let Some(clock) = w.frame_clock() {
                let f = RefCell::new(f.take());
                let id = Rc::new(RefCell::new(None::<glib::SignalHandlerId>));
                let id2 = id.clone();
                let handler = clock.connect_after_paint(move |clock| {
                    if let Some(f) = f.borrow_mut().take() {
                        f();
                    }
                    if let Some(h) = id2.take() {
                        clock.disconnect(h);
                    }
                });
                id.replace(Some(handler));
            }
            glib::ControlFlow::Break
        });
    }
}

impl Default for DomainList {
    fn default() -> Self {
        Self::new()
    }
}

/// The guests selected in the list's `selection` (connection rows are ignored).
pub fn selected_in(selection: &gtk::MultiSelection) -> Vec<DomainObject> {
    let set = selection.selection();
    let mut out = Vec::new();
    let n = set.size();
    for i in 0..n {
        let pos = set.nth(i as u32);
        let item = selection
            .item(pos)
            .and_downcast::<gtk::TreeListRow>()
            .and_then(|r| r.item());
        if let Some(d) = item.and_downcast::<DomainObject>() {
            out.push(d);
        }
    }
    out
}
