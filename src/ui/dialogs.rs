// SPDX-License-Identifier: GPL-3.0-or-later
//! Dialogs: the Details dialog of an error (libvirt's message verbatim, selectable so it
//! can be copied into a bug report) and the confirmation asked before forcing a guest off.

use adw::prelude::*;
use gettextrs::gettext;

/// Shows `heading` with libvirt's full `details` text.
pub fn error_details(parent: &impl IsA<gtk::Window>, heading: &str, details: &str) {
    let dialog = adw::MessageDialog::new(Some(parent), Some(heading), None);
    let text = gtk::Label::new(Some(details));
    text.set_wrap(true);
    text.set_wrap_mode(gtk::pango::WrapMode::WordChar);
    text.set_selectable(true);
    text.set_xalign(0.0);
    text.add_css_class("monospace");
    text.set_max_width_chars(60);
    dialog.set_extra_child(Some(&text));
    dialog.add_response("close", &gettext("_Close"));
    dialog.set_default_response(Some("close"));
    dialog.set_close_response("close");
    dialog.present();
}

/// Asks before pulling the plug on `name`; runs `on_confirm` only on "Force Off".
pub fn confirm_force_off(
    parent: &impl IsA<gtk::Window>,
    name: &str,
    on_confirm: impl Fn() + 'static,
) {
    let heading = gettext("Force Off “%s”?").replace("%s", name);
    let body = gettext(
        "The virtual machine is turned off at once, like pulling its power cord. Anything not saved inside it is lost.",
    );
    let dialog = adw::MessageDialog::new(Some(parent), Some(&heading), Some(&body));
    dialog.add_response("cancel", &gettext("_Cancel"));
    dialog.add_response("force-off", &gettext("_Force Off"));
    dialog.set_response_appearance("force-off", adw::ResponseAppearance::Destructive);
    dialog.set_default_response(Some("cancel"));
    dialog.set_close_response("cancel");
    dialog.connect_response(Some("force-off"), move |_, _| on_confirm());
    dialog.present();
}
