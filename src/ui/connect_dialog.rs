// SPDX-License-Identifier: GPL-3.0-or-later
//! The Add Connection dialog: hypervisor (QEMU/KVM system or user session, or any URI),
//! optionally on a remote host over SSH (user, host, port), autoconnect. The URI it will
//! open is previewed as the user types, and what is wrong with the input is said right
//! under the fields; Connect stays insensitive until the URI is valid.

use adw::prelude::*;
use gettextrs::gettext;

use crate::backend::uri::{compose, ConnectionUri, Hypervisor, SshTarget};

/// Index of the "custom URI" entry of the hypervisor list.
const CUSTOM: u32 = 2;

/// The input fields, and the URI they describe.
#[derive(Clone)]
struct Fields {
    hypervisor: adw::ComboRow,
    custom: adw::EntryRow,
    remote: gtk::Switch,
    user: adw::EntryRow,
    host: adw::EntryRow,
    port: adw::EntryRow,
}

impl Fields {
    fn uri(&self) -> crate::backend::error::Result<ConnectionUri> {
        if self.hypervisor.selected() == CUSTOM {
            return ConnectionUri::parse(&self.custom.text());
        }
        let kind = if self.hypervisor.selected() == 1 {
            Hypervisor::QemuSession
        } else {
            Hypervisor::QemuSystem
        };
        let target = SshTarget {
            user: self.user.text().into(),
            host: self.host.text().into(),
            port: self.port.text().into(),
        };
        compose(kind, self.remote.is_active().then_some(&target))
    }
}

/// Opens the dialog; `on_connect(uri, autoconnect)` runs when the user confirms.
pub fn present(parent: &impl IsA<gtk::Window>, on_connect: impl Fn(String, bool) + 'static) {
    let window = adw::Window::builder()
        .title(gettext("Add Connection"))
        .modal(true)
        .transient_for(parent)
        .default_width(480)
        .build();

    let hypervisor = adw::ComboRow::new();
    hypervisor.set_title(&gettext("Hypervisor"));
    hypervisor.set_model(Some(&gtk::StringList::new(&[
        &gettext("QEMU/KVM"),
        &gettext("QEMU/KVM user session"),
        &gettext("Custom URI"),
    ])));
    let custom = adw::EntryRow::new();
    custom.set_title(&gettext("URI"));
    let remote = gtk::Switch::new();
    remote.set_valign(gtk::Align::Center);
    let remote_row = adw::ActionRow::new();
    remote_row.set_title(&gettext("Connect to a remote host over SSH"));
    remote_row.add_suffix(&remote);
    remote_row.set_activatable_widget(Some(&remote));
    let user = adw::EntryRow::new();
    user.set_title(&gettext("User name"));
    let host = adw::EntryRow::new();
    host.set_title(&gettext("Host name"));
    let port = adw::EntryRow::new();
    port.set_title(&gettext("SSH port (optional)"));
    let autoconnect = gtk::Switch::new();
    autoconnect.set_valign(gtk::Align::Center);
    autoconnect.set_active(true);
    let auto_row = adw::ActionRow::new();
    auto_row.set_title(&gettext("Connect when Vireo starts"));
    auto_row.add_suffix(&autoconnect);
    auto_row.set_activatable_widget(Some(&autoconnect));

    let group = adw::PreferencesGroup::new();
    for row in [
        hypervisor.upcast_ref::<gtk::Widget>(),
        custom.upcast_ref(),
        remote_row.upcast_ref(),
        user.upcast_ref(),
        host.upcast_ref(),
        port.upcast_ref(),
        auto_row.upcast_ref(),
    ] {
        group.add(row);
    }

    let preview = gtk::Label::new(None);
    preview.set_selectable(true);
    preview.set_xalign(0.0);
    preview.set_wrap(true);
    preview.add_css_class("monospace");
    let problem = gtk::Label::new(None);
    problem.set_xalign(0.0);
    problem.set_wrap(true);
    problem.add_css_class("error");

    let cancel = gtk::Button::with_mnemonic(&gettext("_Cancel"));
    let connect = gtk::Button::with_mnemonic(&gettext("C_onnect"));
    connect.add_css_class("suggested-action");
    let header = adw::HeaderBar::new();
    header.set_show_end_title_buttons(false);
    header.pack_start(&cancel);
    header.pack_end(&connect);

    let body = gtk::Box::new(gtk::Orientation::Vertical, 12);
    body.set_margin_top(12);
    body.set_margin_bottom(24);
    body.set_margin_start(12);
    body.set_margin_end(12);
    body.append(&group);
    body.append(&preview);
    body.append(&problem);
    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&header);
    content.append(&body);
    window.set_content(Some(&content));

    let fields = Fields {
        hypervisor: hypervisor.clone(),
        custom: custom.clone(),
        remote: remote.clone(),
        user: user.clone(),
        host: host.clone(),
        port: port.clone(),
    };
    // Recomputes the URI from the fields and shows it, or what is wrong.
    let update = {
        let f = fields.clone();
        let (preview, problem, connect) = (preview.clone(), problem.clone(), connect.clone());
        let remote_rows: [gtk::Widget; 4] = [
            remote_row.clone().upcast(),
            user.clone().upcast(),
            host.clone().upcast(),
            port.clone().upcast(),
        ];
        move || {
            let is_custom = f.hypervisor.selected() == CUSTOM;
            f.custom.set_visible(is_custom);
            remote_rows[0].set_visible(!is_custom);
            for r in &remote_rows[1..] {
                r.set_visible(!is_custom && f.remote.is_active());
            }
            match f.uri() {
                Ok(uri) => {
                    preview.set_label(&gettext("Connects to %s").replace("%s", &uri.to_string()));
                    problem.set_visible(false);
                    connect.set_sensitive(true);
                }
                Err(e) => {
                    preview.set_label("");
                    problem.set_label(&e.message);
                    problem.set_visible(true);
                    connect.set_sensitive(false);
                }
            }
        }
    };
    update();
    let u = update.clone();
    hypervisor.connect_selected_notify(move |_| u());
    let u = update.clone();
    remote.connect_active_notify(move |_| u());
    for entry in [&custom, &user, &host, &port] {
        let u = update.clone();
        entry.connect_changed(move |_| u());
    }

    let w = window.downgrade();
    cancel.connect_clicked(move |_| {
        if let Some(w) = w.upgrade() {
            w.close();
        }
    });
    let w = window.downgrade();
    connect.connect_clicked(move |_| {
        if let Ok(uri) = fields.uri() {
            on_connect(uri.to_string(), autoconnect.is_active());
            if let Some(w) = w.upgrade() {
                w.close();
            }
        }
    });
    window.present();
}
