// SPDX-License-Identifier: GPL-3.0-or-later
//! The dialog that answers libvirt's request for credentials (user name, password, …) while
//! a connection opens. The connection's worker waits for the answer; closing the dialog
//! cancels. Typed passwords go straight into the answer: nothing here logs them.

use adw::prelude::*;
use gettextrs::gettext;

use crate::backend::auth::{AuthRequest, PromptKind, Secret};

pub fn present(parent: &impl IsA<gtk::Window>, conn_label: &str, request: AuthRequest) {
    let heading = gettext("Log In to %s").replace("%s", conn_label);
    let body = gettext("The connection %s asks for credentials.").replace("%s", &request.uri);
    let dialog = adw::MessageDialog::new(Some(parent), Some(&heading), Some(&body));
    let fields = gtk::Box::new(gtk::Orientation::Vertical, 6);
    let mut entries: Vec<gtk::Editable> = Vec::new();
    for p in &request.prompts {
        // libvirt's prompts end in ": " or not at all; show them as a label.
        let label = gtk::Label::new(Some(p.text.trim_end_matches([':', ' '])));
        label.set_xalign(0.0);
        let entry: gtk::Editable = match p.kind {
            PromptKind::Password | PromptKind::Other { echo: false } => {
                let e = gtk::PasswordEntry::new();
                e.set_show_peek_icon(true);
                e.set_activates_default(true);
                e.upcast()
            }
            _ => {
                let e = gtk::Entry::new();
                e.set_text(&p.default);
                e.set_activates_default(true);
                e.upcast()
            }
        };
        entry.update_property(&[gtk::accessible::Property::Label(&label.label())]);
        fields.append(&label);
        fields.append(&entry);
        entries.push(entry);
    }
    dialog.set_extra_child(Some(&fields));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("connect", &gettext("_Connect"));
    dialog.set_response_appearance("connect", adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some("connect"));
    dialog.set_close_response("cancel");
    dialog.connect_response(None, move |_, response| {
        let answer = (response == "connect").then(|| {
            entries
                .iter()
                .map(|e| Secret::new(e.text().to_string()))
                .collect()
        });
        request.answer(answer);
    });
    dialog.present();
    if let Some(first) = fields.first_child().and_then(|l| l.next_sibling()) {
        first.grab_focus();
    }
}
