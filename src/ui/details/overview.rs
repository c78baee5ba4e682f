// SPDX-License-Identifier: GPL-3.0-or-later
//! The Overview page: name, title and description (editable, with Apply and Revert) and what
//! the definition says about the guest: UUID, state, hypervisor, architecture, machine,
//! firmware and the operating system recorded by libosinfo. A refused change shows libvirt's
//! message under the fields and keeps what the user typed.

use adw::prelude::*;
use gettextrs::gettext;

use crate::backend::{BackendError, Command, Edit};
use crate::ui::app::AppMsg;
use crate::ui::domain_object::DomainObject;
use crate::xml::domain::Domain;

const LIBOSINFO: &str = "http://libosinfo.org/xmlns/libvirt/domain/1.0";

pub struct Overview {
    pub widget: gtk::Box,
    name: adw::EntryRow,
    title: adw::EntryRow,
    description: adw::EntryRow,
    info: Vec<(&'static str, adw::ActionRow)>,
    message: gtk::Label,
    domain: DomainObject,
}

fn info_row(group: &adw::PreferencesGroup, title: &str) -> adw::ActionRow {
    let row = adw::ActionRow::new();
    row.set_title(title);
    row.add_css_class("property");
    group.add(&row);
    row
}

impl Overview {
    pub fn new(domain: &DomainObject, input: relm4::Sender<AppMsg>) -> std::rc::Rc<Self> {
        let edit = adw::PreferencesGroup::new();
        edit.set_title(&gettext("Basic Details"));
        let name = adw::EntryRow::new();
        name.set_title(&gettext("Name"));
        let title = adw::EntryRow::new();
        title.set_title(&gettext("Title"));
        let description = adw::EntryRow::new();
        description.set_title(&gettext("Description"));
        for r in [&name, &title, &description] {
            edit.add(r);
        }
        let message = gtk::Label::new(None);
        message.set_wrap(true);
        message.set_xalign(0.0);
        message.set_visible(false);
        message.set_selectable(true);

        let about = adw::PreferencesGroup::new();
        about.set_title(&gettext("Virtual Machine"));
        let info = vec![
            ("uuid", info_row(&about, &gettext("UUID"))),
            ("state", info_row(&about, &gettext("State"))),
            ("hypervisor", info_row(&about, &gettext("Hypervisor"))),
            ("arch", info_row(&about, &gettext("Architecture"))),
            ("machine", info_row(&about, &gettext("Machine"))),
            ("firmware", info_row(&about, &gettext("Firmware"))),
            ("os", info_row(&about, &gettext("Operating System"))),
        ];

        let (bar, apply, revert) = super::apply_revert_bar();

        let list = gtk::Box::new(gtk::Orientation::Vertical, 18);
        list.set_margin_top(18);
        list.set_margin_bottom(18);
        list.set_margin_start(18);
        list.set_margin_end(18);
        list.append(&edit);
        list.append(&message);
        list.append(&about);
        let clamp = adw::Clamp::new();
        clamp.set_maximum_size(720);
        clamp.set_child(Some(&list));
        let scrolled = gtk::ScrolledWindow::new();
        scrolled.set_vexpand(true);
        scrolled.set_child(Some(&clamp));
        let widget = gtk::Box::new(gtk::Orientation::Vertical, 0);
        widget.append(&scrolled);
        widget.append(&bar);

        let page = std::rc::Rc::new(Overview {
            widget,
            name,
            title,
            description,
            info,
            message,
            domain: domain.clone(),
        });
        page.revert();

        let p = std::rc::Rc::downgrade(&page);
        revert.connect_clicked(move |_| {
            if let Some(p) = p.upgrade() {
                p.revert();
            }
        });
        let p = std::rc::Rc::downgrade(&page);
        apply.connect_clicked(move |_| {
            let Some(p) = p.upgrade() else { return };
            let d = &p.domain;
            let (conn, uuid) = (d.conn_id(), d.uuid());
            let name = p.name.text().trim().to_string();
            if name.is_empty() {
                p.say(&gettext("The name cannot be empty."));
                p.name.add_css_class("error");
                return;
            }
            p.name.remove_css_class("error");
            p.message.set_visible(false);
            if name != d.name() {
                input.emit(AppMsg::Send(
                    conn,
                    Command::Rename {
                        uuid: uuid.clone(),
                        name,
                    },
                ));
            }
            let (title, description) =
                (p.title.text().to_string(), p.description.text().to_string());
            if title != d.title() || description != d.description() {
                input.emit(AppMsg::Send(
                    conn,
                    Command::SetText {
                        uuid,
                        title,
                        description,
                    },
                ));
            }
        });
        // The row object follows libvirt: show its state as it changes.
        let p = std::rc::Rc::downgrade(&page);
        domain.connect_notify_local(Some("state-label"), move |d, _| {
            if let Some(p) = p.upgrade() {
                p.set_info("state", &d.state_label());
            }
        });
        page
    }

    fn say(&self, text: &str) {
        self.message.set_label(text);
        self.message.add_css_class("error");
        self.message.set_visible(true);
    }

    fn set_info(&self, key: &str, value: &str) {
        if let Some((_, row)) = self.info.iter().find(|(k, _)| *k == key) {
            row.set_subtitle(if value.is_empty() { "—" } else { value });
        }
    }

    /// Back to what libvirt has.
    pub fn revert(&self) {
        let d = &self.domain;
        self.name.set_text(&d.name());
        self.title.set_text(&d.title());
        self.description.set_text(&d.description());
        self.name.remove_css_class("error");
        self.message.set_visible(false);
        self.set_info("uuid", &d.uuid());
        self.set_info("state", &d.state_label());
    }

    /// The definition arrived: fill in what it says about the guest.
    pub fn loaded(&self, xml: &Result<String, BackendError>) {
        let Ok(xml) = xml else { return };
        let Ok(dom) = Domain::parse(xml) else { return };
        let hv = dom.domain_type().map(|t| match t.as_ref() {
            "kvm" => "KVM".to_string(),
            "qemu" => gettext("QEMU (emulated)"),
            other => other.to_string(),
        });
        self.set_info("hypervisor", &hv.unwrap_or_default());
        self.set_info("arch", &dom.os_arch().unwrap_or_default());
        self.set_info("machine", &dom.os_machine().unwrap_or_default());
        let fw = match dom.firmware().as_deref() {
            Some("efi") => "UEFI".to_string(),
            Some(other) => other.to_string(),
            None => "BIOS".to_string(),
        };
        self.set_info("firmware", &fw);
        let doc = dom.document();
        // <metadata><libosinfo:libosinfo><libosinfo:os id="…"/>, whatever the prefix.
        let os = doc
            .find(doc.root(), "metadata")
            .and_then(|m| doc.elements_ns(m, LIBOSINFO, "libosinfo").next())
            .and_then(|l| doc.elements_ns(l, LIBOSINFO, "os").next())
            .and_then(|n| doc.attr(n, "id").map(|s| s.to_string()))
            .unwrap_or_default();
        self.set_info("os", &os);
    }

    /// libvirt's answer to a rename or a title/description change.
    pub fn edited(&self, edit: Edit, result: &Result<(), BackendError>) {
        match result {
            Ok(()) => {}
            Err(e) => {
                let what = match edit {
                    Edit::Rename => gettext("Cannot rename: %s"),
                    _ => gettext("Cannot change the title or description: %s"),
                };
                if edit == Edit::Rename {
                    self.name.add_css_class("error");
                }
                self.say(&what.replace("%s", &e.message));
            }
        }
    }
}
