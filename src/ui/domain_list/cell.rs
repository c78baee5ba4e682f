// SPDX-License-Identifier: GPL-3.0-or-later
//! `ListCell`: the widget of one cell of the guest list. Column views recycle cells, so a
//! cell is bound to an item (a domain or a connection) and re-renders when one of the
//! item's watched properties changes; unbinding drops those notifications. Each column
//! builds its cell's child widgets once (`parts`) and renders into them.

use std::cell::RefCell;

use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

/// Draws `item` into the cell's parts.
pub type Render = fn(&ListCell, &glib::Object);

mod imp {
    use super::*;

    #[derive(Default)]
    pub struct ListCell {
        pub parts: RefCell<Vec<gtk::Widget>>,
        pub bound: RefCell<Option<(glib::Object, Vec<glib::SignalHandlerId>)>>,
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ListCell {
        const NAME: &'static str = "VireoListCell";
        type Type = super::ListCell;
        type ParentType = gtk::Box;
    }

    impl ObjectImpl for ListCell {
        fn dispose(&self) {
            self.obj().unbind();
        }
    }
    impl WidgetImpl for ListCell {}
    impl BoxImpl for ListCell {}
}

glib::wrapper! {
    pub struct ListCell(ObjectSubclass<imp::ListCell>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl ListCell {
    /// A horizontal cell showing `children`; `parts` are the widgets its render function
    /// fills in (often the same widgets, or labels nested inside them).
    pub fn new(children: &[gtk::Widget], parts: Vec<gtk::Widget>) -> Self {
        let cell: Self = glib::Object::builder()
            .property("orientation", gtk::Orientation::Horizontal)
            .property("spacing", 8)
            .build();
        for c in children {
            cell.append(c);
        }
        cell.imp().parts.replace(parts);
        cell
    }

    /// Part `i`, if it has type `T`.
    pub fn part<T: IsA<gtk::Widget>>(&self, i: usize) -> Option<T> {
        self.imp()
            .parts
            .borrow()
            .get(i)
            .and_then(|w| w.clone().downcast::<T>().ok())
    }

    /// Shows `item` and re-renders whenever one of `props` changes.
    pub fn bind(&self, item: &glib::Object, props: &[&str], render: Render) {
        self.unbind();
        let mut handlers = Vec::with_capacity(props.len());
        for prop in props {
            // Only properties the item has: connection rows and domain rows share columns.
            if item.find_property(prop).is_none() {
                continue;
            }
            let cell = self.downgrade();
            handlers.push(item.connect_notify_local(Some(prop), move |o, _| {
                if let Some(cell) = cell.upgrade() {
                    render(&cell, o.upcast_ref());
                }
            }));
        }
        render(self, item);
        if let Some(d) = item.downcast_ref::<crate::ui::domain_object::DomainObject>() {
            d.set_shown(true);
        }
        self.imp().bound.replace(Some((item.clone(), handlers)));
    }

    pub fn unbind(&self) {
        if let Some((item, handlers)) = self.imp().bound.take() {
            for h in handlers {
                item.disconnect(h);
            }
            if let Some(d) = item.downcast_ref::<crate::ui::domain_object::DomainObject>() {
                d.set_shown(false);
            }
        }
    }

    /// The item this cell shows.
    pub fn item(&self) -> Option<glib::Object> {
        self.imp().bound.borrow().as_ref().map(|(o, _)| o.clone())
    }
}
