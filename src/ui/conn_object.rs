// SPDX-License-Identifier: GPL-3.0-or-later
//! `ConnObject`: one connection as a GObject, a parent row of the guest list. It owns the
//! connection's [`DomainObject`]s (`domains`) and the filtered view of them the tree shows
//! (`children`), so a search filters every connection at once while the connection rows
//! themselves always stay.

use std::cell::{Cell, OnceCell, RefCell};

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use gtk::{gio, glib};

use super::domain_object::DomainObject;
use crate::backend::ConnId;

mod imp {
    use super::*;

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::ConnObject)]
    pub struct ConnObject {
        #[property(get, set)]
        pub conn_id: Cell<u32>,
        /// "QEMU/KVM", "QEMU/KVM on admin@host".
        #[property(get, set)]
        pub label: RefCell<String>,
        /// "Connected", "Connection lost", … (translated).
        #[property(get, set)]
        pub status: RefCell<String>,
        /// The connection has a problem the user should see (failed, lost).
        #[property(get, set)]
        pub problem: Cell<bool>,
        /// The connection is up (offer Disconnect rather than Connect).
        #[property(get, set)]
        pub connected: Cell<bool>,
        /// Bumped on every statistics tick; the host graph cells watch it.
        #[property(get, set)]
        pub stats_serial: Cell<u64>,
        pub domains: OnceCell<gio::ListStore>,
        pub children: OnceCell<gtk::FilterListModel>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ConnObject {
        const NAME: &'static str = "VireoConnObject";
        type Type = super::ConnObject;
    }

    #[glib::derived_properties]
    impl ObjectImpl for ConnObject {}
}

glib::wrapper! {
    pub struct ConnObject(ObjectSubclass<imp::ConnObject>);
}

impl ConnObject {
    pub fn new(conn: ConnId, label: &str, filter: &gtk::CustomFilter) -> Self {
        let o: Self = glib::Object::builder()
            .property("conn-id", conn)
            .property("label", label)
            .build();
        let domains = gio::ListStore::new::<DomainObject>();
        let children = gtk::FilterListModel::new(Some(domains.clone()), Some(filter.clone()));
        let _ = o.imp().domains.set(domains);
        let _ = o.imp().children.set(children);
        o
    }

    /// All of the connection's domains.
    pub fn domains(&self) -> gio::ListStore {
        self.imp()
            .domains
            .get_or_init(gio::ListStore::new::<DomainObject>)
            .clone()
    }

    /// The domains that pass the search filter (the tree's children of this row).
    pub fn children(&self) -> Option<gtk::FilterListModel> {
        self.imp().children.get().cloned()
    }
}
