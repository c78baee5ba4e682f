// SPDX-License-Identifier: GPL-3.0-or-later
//! The GTK user interface (feature `ui`). It never calls libvirt: it sends commands to the
//! backend and renders its events.
//!
//! - [`app`]: the main window component (owns the backend).
//! - [`actions`]: GActions and the primary menu.
//! - [`domain_list`], [`domain_row`], [`domain_object`]: the virtualised domain list.
//! - [`status`]: connection status wording, banner and empty states.
//! - [`dialogs`]: error details and confirmations.
//! - [`settings`]: GSettings with graceful fallback; [`bench`]: start-up timing.

pub mod actions;
pub mod app;
pub mod bench;
pub mod dialogs;
pub mod domain_list;
pub mod domain_object;
pub mod domain_row;
pub mod settings;
pub mod status;

use crate::cli::Options;
use crate::config;

/// Sets up translations, libadwaita and the application, and runs it until the window
/// closes. Returns the process exit code.
pub fn run(options: Options) -> glib::ExitCode {
    use gettextrs::{
        bind_textdomain_codeset, bindtextdomain, setlocale, textdomain, LocaleCategory,
    };
    setlocale(LocaleCategory::LcAll, "");
    let _ = bindtextdomain(config::GETTEXT_PACKAGE, config::LOCALEDIR);
    let _ = bind_textdomain_codeset(config::GETTEXT_PACKAGE, "UTF-8");
    let _ = textdomain(config::GETTEXT_PACKAGE);

    gtk::glib::set_application_name(&gettextrs::gettext("Vireo"));
    gtk::glib::set_prgname(Some("vireo"));
    // libvirt's event loop must be registered before GTK (and before any connection).
    crate::backend::init();

    use gtk::prelude::*;
    let app = adw::Application::builder()
        .application_id(config::APP_ID)
        .build();
    // CSS needs the display, which exists from `startup` on (this runs before relm4's
    // startup handler builds the window).
    app.connect_startup(|_| relm4::set_global_css(include_str!("../../resources/style.css")));
    let relm = relm4::RelmApp::from_app(app).with_args(Vec::new());
    relm.run::<app::App>(options);
    glib::ExitCode::SUCCESS
}

use gtk::glib;
