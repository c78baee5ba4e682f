// SPDX-License-Identifier: GPL-3.0-or-later
//! `DomainObject`: one domain as a GObject, the item type of the domain list's model. It
//! holds a copy of the backend's [`DomainInfo`] plus the connection it belongs to; the
//! list's rows bind to its properties and update when the app applies a diff.

use std::cell::{Cell, RefCell};

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use crate::backend::{ConnId, DomainInfo, DomainState};

mod imp {
    use super::*;

    #[derive(Default, glib::Properties)]
    #[properties(wrapper_type = super::DomainObject)]
    pub struct DomainObject {
        #[property(get, set)]
        pub uuid: RefCell<String>,
        #[property(get, set)]
        pub name: RefCell<String>,
        #[property(get, set)]
        pub title: RefCell<String>,
        /// Translated state label ("Running").
        #[property(get, set)]
        pub state_label: RefCell<String>,
        #[property(get, set)]
        pub active: Cell<bool>,
        #[property(get, set)]
        pub paused: Cell<bool>,
        #[property(get, set)]
        pub description: RefCell<String>,
        #[property(get, set)]
        pub conn_id: Cell<u32>,
        /// Bumped on every statistics tick that covered this domain; graph cells watch it.
        #[property(get, set)]
        pub stats_serial: Cell<u64>,
        /// Latest (cpu %, memory KiB, disk B/s, network B/s) for sorting; -1 unknown.
        pub keys: Cell<[f64; 4]>,
        /// How many list cells and performance pages show this domain now (only those
        /// need a nudge per tick).
        pub shown: Cell<u32>,
        /// How many Performance pages show it now (a subset of `shown`).
        pub page_shown: Cell<u32>,
        pub state: Cell<Option<DomainState>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for DomainObject {
        const NAME: &'static str = "VireoDomainObject";
        type Type = super::DomainObject;
    }

    #[glib::derived_properties]
    impl ObjectImpl for DomainObject {}
}

glib::wrapper! {
    pub struct DomainObject(ObjectSubclass<imp::DomainObject>);
}

/// Translated label of a state.
pub fn state_label(state: DomainState) -> String {
    use gettextrs::gettext;
    match state {
        DomainState::Running => gettext("Running"),
        DomainState::Blocked => gettext("Blocked"),
        DomainState::Paused => gettext("Paused"),
        DomainState::ShuttingDown => gettext("Shutting down"),
        DomainState::Shutoff => gettext("Shut off"),
        DomainState::Crashed => gettext("Crashed"),
        DomainState::Suspended => gettext("Suspended"),
        DomainState::NoState => gettext("Unknown"),
    }
}

impl DomainObject {
    pub fn new(conn: ConnId, info: &DomainInfo) -> Self {
        let o: Self = glib::Object::builder().property("conn-id", conn).build();
        o.apply(info);
        o
    }

    /// Copies `info` in, touching only properties whose value changed (each set notifies
    /// the bound row widgets).
    pub fn apply(&self, info: &DomainInfo) {
        if self.uuid() != info.uuid {
            self.set_uuid(info.uuid.clone());
        }
        if self.name() != info.name {
            self.set_name(info.name.clone());
        }
        let title = info.title.clone().unwrap_or_default();
        if self.title() != title {
            self.set_title(title);
        }
        let description = info.description.clone().unwrap_or_default();
        if self.description() != description {
            self.set_description(description);
        }
        if self.imp().state.get() != Some(info.state) {
            if !info.state.is_active() {
                self.imp().keys.set([-1.0; 4]);
            }
            self.imp().state.set(Some(info.state));
            self.set_active(info.state.is_active());
            self.set_paused(matches!(
                info.state,
                DomainState::Paused | DomainState::Suspended
            ));
            // Last: rows re-render on this notification and read the flags above.
            self.set_state_label(state_label(info.state));
        }
    }

    /// Sort key `i` of [`crate::ui::stats_view::domain_keys`].
    pub fn key(&self, i: usize) -> f64 {
        self.imp().keys.get().get(i).copied().unwrap_or(-1.0)
    }

    /// Takes the latest statistics tick: new sort keys and a nudge to the graph cells.
    /// Returns whether a sort key changed.
    pub fn stats_ticked(&self, keys: [f64; 4]) -> bool {
        let changed = self.imp().keys.replace(keys) != keys;
        // A notification costs a signal emission even with nobody listening; a thousand a
        // second was the bulk of the idle CPU. Only rows on screen need one.
        if self.imp().shown.get() > 0 {
            self.set_stats_serial(self.stats_serial().wrapping_add(1));
        }
        changed
    }

    /// Whether a Performance page shows this domain now.
    pub fn is_page_shown(&self) -> bool {
        self.imp().page_shown.get() > 0
    }

    /// A Performance page came on screen (`true`) or left it: counts as showing too.
    pub fn set_page_shown(&self, shown: bool) {
        count(&self.imp().page_shown, shown);
        self.set_shown(shown);
        crate::ui::stats_view::set_watching(shown);
    }

    /// A list cell or a performance page started (`true`) or stopped showing this domain.
    pub fn set_shown(&self, shown: bool) {
        count(&self.imp().shown, shown);
    }

    pub fn state(&self) -> DomainState {
        self.imp().state.get().unwrap_or(DomainState::NoState)
    }

    /// Whether the search text matches name, title or description (case-insensitive).
    pub fn matches(&self, query_lower: &str) -> bool {
        query_lower.is_empty()
            || self.name().to_lowercase().contains(query_lower)
            || self.title().to_lowercase().contains(query_lower)
            || self.description().to_lowercase().contains(query_lower)
    }
}

/// One more (`true`) or one fewer viewer in a count of viewers.
fn count(n: &std::cell::Cell<u32>, up: bool) {
    n.set(if up {
        n.get() + 1
    } else {
        n.get().saturating_sub(1)
    });
}
