// SPDX-License-Identifier: GPL-3.0-or-later
//! `DomainRow`: the widget of one row of the domain list: state icon, name and title,
//! state, a Start / Shut Down button and a menu with the other lifecycle actions. Rows are
//! recycled by the list view: [`DomainRow::bind`] attaches one to a [`DomainObject`],
//! [`DomainRow::unbind`] detaches it.
//!
//! Buttons activate the window's actions (`win.start-domain` with the UUID as target):
//! the same actions a test or a script reaches over D-Bus.

use std::cell::RefCell;

use gettextrs::gettext;
use gtk::glib;
use gtk::prelude::*;
use gtk::subclass::prelude::*;

use super::domain_object::DomainObject;

mod imp {
    use super::*;

    pub struct DomainRow {
        /// Decorative (the state label says the state), so hidden from screen readers.
        pub icon: gtk::Image,
        pub name: gtk::Label,
        pub subtitle: gtk::Label,
        pub state: gtk::Label,
        pub primary: gtk::Button,
        pub menu: gtk::MenuButton,
        pub bound: RefCell<Option<(DomainObject, Vec<glib::SignalHandlerId>)>>,
    }

    impl Default for DomainRow {
        fn default() -> Self {
            DomainRow {
                icon: glib::Object::builder()
                    .property("accessible-role", gtk::AccessibleRole::Presentation)
                    .build(),
                name: Default::default(),
                subtitle: Default::default(),
                state: Default::default(),
                primary: Default::default(),
                menu: Default::default(),
                bound: Default::default(),
            }
        }
    }

    #[glib::object_subclass]
    impl ObjectSubclass for DomainRow {
        const NAME: &'static str = "VireoDomainRow";
        type Type = super::DomainRow;
        type ParentType = gtk::Box;
    }

    impl ObjectImpl for DomainRow {
        fn constructed(&self) {
            self.parent_constructed();
            let obj = self.obj();
            obj.set_orientation(gtk::Orientation::Horizontal);
            obj.set_spacing(12);
            obj.set_margin_top(6);
            obj.set_margin_bottom(6);
            obj.set_margin_start(12);
            obj.set_margin_end(12);

            self.icon.set_icon_name(Some("computer-symbolic"));
            self.icon.set_pixel_size(32);
            self.icon.add_css_class("domain-icon");
            obj.append(&self.icon);

            let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
            text.set_hexpand(true);
            text.set_valign(gtk::Align::Center);
            self.name.set_xalign(0.0);
            self.name.add_css_class("heading");
            self.name.set_ellipsize(gtk::pango::EllipsizeMode::End);
            self.subtitle.set_xalign(0.0);
            self.subtitle.add_css_class("dim-label");
            self.subtitle.add_css_class("caption");
            self.subtitle.set_ellipsize(gtk::pango::EllipsizeMode::End);
            text.append(&self.name);
            text.append(&self.subtitle);
            obj.append(&text);

            self.state.set_xalign(1.0);
            self.state.set_width_chars(12);
            self.state.add_css_class("domain-state");
            obj.append(&self.state);

            self.primary.set_valign(gtk::Align::Center);
            self.primary.add_css_class("flat");
            self.primary.add_css_class("circular");
            obj.append(&self.primary);

            self.menu.set_valign(gtk::Align::Center);
            self.menu.set_icon_name("view-more-symbolic");
            self.menu.add_css_class("flat");
            self.menu.add_css_class("circular");
            obj.append(&self.menu);
        }

        fn dispose(&self) {
            self.obj().unbind();
        }
    }

    impl WidgetImpl for DomainRow {}
    impl BoxImpl for DomainRow {}
}

glib::wrapper! {
    pub struct DomainRow(ObjectSubclass<imp::DomainRow>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for DomainRow {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl DomainRow {
    pub fn bind(&self, obj: &DomainObject) {
        self.unbind();
        let mut handlers = Vec::new();
        for prop in ["name", "title", "state-label", "conn-label"] {
            let row = self.downgrade();
            handlers.push(obj.connect_notify_local(Some(prop), move |o, _| {
                if let Some(row) = row.upgrade() {
                    row.refresh(o);
                }
            }));
        }
        self.refresh(obj);
        self.imp().bound.replace(Some((obj.clone(), handlers)));
    }

    pub fn unbind(&self) {
        if let Some((obj, handlers)) = self.imp().bound.take() {
            for h in handlers {
                obj.disconnect(h);
            }
        }
    }

    fn refresh(&self, o: &DomainObject) {
        let imp = self.imp();
        let name = o.name();
        let state = o.state_label();
        imp.name.set_label(&name);
        // The title, else the connection's name (useful once several are open; the app
        // clears conn-label while there is only one).
        let title = o.title();
        let subtitle = if title.is_empty() {
            o.conn_label()
        } else {
            title
        };
        imp.subtitle.set_label(&subtitle);
        imp.subtitle.set_visible(!subtitle.is_empty());
        imp.state.set_label(&state);
        for c in ["running", "paused", "shutoff"] {
            imp.state.remove_css_class(c);
            imp.icon.remove_css_class(c);
        }
        let class = if o.paused() {
            "paused"
        } else if o.active() {
            "running"
        } else {
            "shutoff"
        };
        imp.state.add_css_class(class);
        imp.icon.add_css_class(class);

        let uuid = glib::Variant::from(o.uuid());
        let (action, icon, tip) = if o.paused() {
            (
                "win.resume-domain",
                "media-playback-start-symbolic",
                gettext("Resume"),
            )
        } else if o.active() {
            (
                "win.shutdown-domain",
                "system-shutdown-symbolic",
                gettext("Shut Down"),
            )
        } else {
            (
                "win.start-domain",
                "media-playback-start-symbolic",
                gettext("Start"),
            )
        };
        imp.primary.set_icon_name(icon);
        imp.primary.set_tooltip_text(Some(&tip));
        imp.primary.set_action_target_value(Some(&uuid));
        imp.primary.set_action_name(Some(action));
        // "Start vm1": a button's name must say what it acts on when read out of context.
        imp.primary
            .update_property(&[gtk::accessible::Property::Label(&format!("{tip} {name}"))]);
        imp.menu
            .set_menu_model(Some(&actions_menu(&o.uuid(), o.active(), o.paused())));
        imp.menu.set_tooltip_text(Some(&gettext("More Actions")));
        imp.menu.update_property(&[gtk::accessible::Property::Label(
            &gettext("More actions for %s").replace("%s", &name),
        )]);
        // What a screen reader says for the row: its name and its state.
        self.update_property(&[gtk::accessible::Property::Label(&format!(
            "{name}, {state}"
        ))]);
    }
}

/// The row's menu: every lifecycle action that fits the state.
fn actions_menu(uuid: &str, active: bool, paused: bool) -> gtk::gio::Menu {
    let menu = gtk::gio::Menu::new();
    let target = glib::Variant::from(uuid);
    let add = |section: &gtk::gio::Menu, label: String, action: &str| {
        let item = gtk::gio::MenuItem::new(Some(&label), None);
        item.set_action_and_target_value(Some(action), Some(&target));
        section.append_item(&item);
    };
    let run = gtk::gio::Menu::new();
    if !active {
        add(&run, gettext("Start"), "win.start-domain");
    } else {
        if paused {
            add(&run, gettext("Resume"), "win.resume-domain");
        } else {
            add(&run, gettext("Pause"), "win.pause-domain");
        }
        add(&run, gettext("Shut Down"), "win.shutdown-domain");
        add(&run, gettext("Reboot"), "win.reboot-domain");
    }
    menu.append_section(None, &run);
    if active {
        let hard = gtk::gio::Menu::new();
        add(&hard, gettext("Save"), "win.save-domain");
        add(&hard, gettext("Reset"), "win.reset-domain");
        add(&hard, gettext("Force Off…"), "win.force-off-domain");
        menu.append_section(None, &hard);
    }
    menu
}
