// SPDX-License-Identifier: GPL-3.0-or-later
//! The domain list: a virtualised `GtkListView` over a `gio::ListStore` of
//! [`DomainObject`]s, sorted by name. Only visible rows exist as widgets, so a thousand
//! guests cost a thousand small GObjects, not a thousand widget trees.
//!
//! Backend events are applied as diffs keyed by (connection, UUID): an existing object is
//! updated in place (its row re-renders through property notifications), new ones are
//! added, vanished ones removed. The list is never rebuilt.

use std::collections::{HashMap, HashSet};

use gtk::prelude::*;
use gtk::{gio, glib};

use super::domain_object::DomainObject;
use super::domain_row::DomainRow;
use crate::backend::{ConnId, DomainInfo};

pub struct DomainList {
    pub store: gio::ListStore,
    pub view: gtk::ListView,
    sorter: gtk::CustomSorter,
    index: HashMap<(ConnId, String), DomainObject>,
}

impl DomainList {
    pub fn new() -> Self {
        let store = gio::ListStore::new::<DomainObject>();
        let sorter = gtk::CustomSorter::new(|a, b| {
            let (Some(a), Some(b)) = (
                a.downcast_ref::<DomainObject>(),
                b.downcast_ref::<DomainObject>(),
            ) else {
                return gtk::Ordering::Equal;
            };
            let by_name = a.name().to_lowercase().cmp(&b.name().to_lowercase());
            by_name.then(a.conn_id().cmp(&b.conn_id())).into()
        });
        let sorted = gtk::SortListModel::new(Some(store.clone()), Some(sorter.clone()));
        let selection = gtk::SingleSelection::new(Some(sorted));
        selection.set_autoselect(false);
        selection.set_can_unselect(true);

        let factory = gtk::SignalListItemFactory::new();
        factory.connect_setup(|_, item| {
            if let Some(item) = item.downcast_ref::<gtk::ListItem>() {
                item.set_child(Some(&DomainRow::default()));
            }
        });
        factory.connect_bind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
                return;
            };
            let (Some(row), Some(obj)) = (
                item.child().and_downcast::<DomainRow>(),
                item.item().and_downcast::<DomainObject>(),
            ) else {
                return;
            };
            row.bind(&obj);
        });
        factory.connect_unbind(|_, item| {
            if let Some(row) = item
                .downcast_ref::<gtk::ListItem>()
                .and_then(|i| i.child())
                .and_downcast::<DomainRow>()
            {
                row.unbind();
            }
        });

        let view = gtk::ListView::new(Some(selection), Some(factory));
        view.add_css_class("domain-list");
        view.set_show_separators(true);
        view.update_property(&[gtk::accessible::Property::Label(&gettextrs::gettext(
            "Virtual machines",
        ))]);
        DomainList {
            store,
            view,
            sorter,
            index: HashMap::new(),
        }
    }

    /// Number of domains listed (all connections).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Applies a full listing of one connection as a diff.
    pub fn replace_conn(&mut self, conn: ConnId, conn_label: &str, domains: &[DomainInfo]) {
        let keep: HashSet<&str> = domains.iter().map(|d| d.uuid.as_str()).collect();
        let before = self.index.len();
        self.index
            .retain(|(c, uuid), _| *c != conn || keep.contains(uuid.as_str()));
        if self.index.len() != before {
            let index = &self.index;
            self.store.retain(|o| {
                o.downcast_ref::<DomainObject>()
                    .is_some_and(|o| index.contains_key(&(o.conn_id(), o.uuid())))
            });
        }
        let mut added = Vec::new();
        let mut renamed = false;
        for info in domains {
            match self.index.get(&(conn, info.uuid.clone())) {
                Some(o) => {
                    renamed |= o.name() != info.name;
                    o.apply(info);
                }
                None => {
                    let o = DomainObject::new(conn, conn_label, info);
                    self.index.insert((conn, info.uuid.clone()), o.clone());
                    added.push(o);
                }
            }
        }
        if !added.is_empty() {
            // One items-changed for the whole batch.
            self.store.extend_from_slice(&added);
        }
        if renamed {
            self.sorter.changed(gtk::SorterChange::Different);
        }
    }

    /// Applies one domain's fresh data.
    pub fn update(&mut self, conn: ConnId, conn_label: &str, info: &DomainInfo) {
        match self.index.get(&(conn, info.uuid.clone())) {
            Some(o) => {
                let renamed = o.name() != info.name;
                o.apply(info);
                if renamed {
                    self.sorter.changed(gtk::SorterChange::Different);
                }
            }
            None => {
                let o = DomainObject::new(conn, conn_label, info);
                self.index.insert((conn, info.uuid.clone()), o.clone());
                self.store.append(&o);
            }
        }
    }

    pub fn remove(&mut self, conn: ConnId, uuid: &str) {
        if let Some(o) = self.index.remove(&(conn, uuid.to_string())) {
            if let Some(pos) = self.store.find(&o) {
                self.store.remove(pos);
            }
        }
    }

    /// Drops every domain of a connection (closed or lost).
    pub fn remove_conn(&mut self, conn: ConnId) {
        self.replace_conn(conn, "", &[]);
    }

    /// Sets the connection name shown in rows without a title.
    pub fn set_conn_label(&self, conn: ConnId, label: &str) {
        for ((c, _), o) in &self.index {
            if *c == conn && o.conn_label() != label {
                o.set_conn_label(label);
            }
        }
    }

    /// Finds a domain by UUID on any connection (the first, in connection order).
    pub fn find(&self, uuid: &str) -> Option<DomainObject> {
        self.index
            .iter()
            .filter(|((_, u), _)| u == uuid)
            .min_by_key(|((c, _), _)| *c)
            .map(|(_, o)| o.clone())
    }

    /// Runs `f` once after the next frame is painted (start-up measurement).
    pub fn after_next_paint(&self, f: impl FnOnce() + 'static) {
        let f = std::cell::RefCell::new(Some(f));
        self.view.add_tick_callback(move |w, _| {
            if let Some(clock) = w.frame_clock() {
                let f = std::cell::RefCell::new(f.take());
                let id = std::rc::Rc::new(std::cell::RefCell::new(None::<glib::SignalHandlerId>));
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
