// SPDX-License-Identifier: GPL-3.0-or-later
//! The GTK user interface (feature `ui`). It never calls libvirt: it sends commands to the
//! backend and renders its events.
//!
//! - [`app`]: the main window component (owns the backend).
//! - [`console`]: the guest console views (serial terminal).
//! - [`actions`]: GActions and the primary menu.
//! - [`domain_list`], [`domain_object`], [`conn_object`]: the virtualised guest list.
//! - [`window`]: the main window's widgets; [`widgets`]: our own widgets (sparkline, graph,
//!   spinner, status pages that load their icon when shown).
//! - [`stats_view`]: per-connection stats histories and what a graph cell shows.
//! - [`status`]: connection status wording, banner and empty states.
//! - [`dialogs`]: error details and confirmations; [`connect_dialog`]: Add Connection;
//!   [`auth_dialog`]: credentials libvirt asks for.
//! - [`notify`]: desktop notifications about guests; [`preferences`]: the Preferences window.
//! - [`settings`]: GSettings with graceful fallback; [`bench`]: start-up timing.

pub mod actions;
pub mod app;
pub mod auth_dialog;
pub mod bench;
pub mod conn_object;
pub mod connect_dialog;
pub mod console;
pub mod details;
pub mod dialogs;
pub mod domain_list;
pub mod domain_object;
pub mod notify;
pub mod preferences;
pub mod settings;
pub mod stats_view;
pub mod status;
pub mod widgets;
pub mod window;

use crate::cli::Options;
use crate::config;

/// GTK 4.8 draws with OpenGL wherever a GL driver loads, even one that draws in software
/// (Mesa's llvmpipe: a machine or VM without a GPU, Xvfb). There its GL renderer costs about
/// ten times the CPU of its cairo renderer for a console, and three times the memory; so
/// without a GPU render node Vireo asks for cairo. `GSK_RENDERER` set by the user wins.
fn choose_renderer() {
    if std::env::var_os("GSK_RENDERER").is_some() {
        return;
    }
    if !has_render_node(std::path::Path::new("/dev/dri")) {
        log::debug!("no GPU render node: GTK's cairo renderer");
        std::env::set_var("GSK_RENDERER", "cairo");
    }
}

/// Whether `dir` (the DRM device directory) holds a GPU render node (`renderD128`, …).
fn has_render_node(dir: &std::path::Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Start-up allocates and frees a lot (CSS, widget trees, the first replies from libvirt)
/// across the main and worker threads, and glibc keeps the freed pages in its arenas. Give
/// them back once the window has settled (`--show-domain-console`: about 3 MiB of RSS).
/// The trim walks every arena, so it runs on a thread of its own, not the main loop's.
fn trim_heap_when_settled() {
    glib::timeout_add_seconds_local_once(SETTLE_SECONDS, || {
        let _ = std::thread::Builder::new()
            .name("heap-trim".into())
            .spawn(|| {
                // SAFETY: malloc_trim only returns free memory to the system; it takes no
                // pointers.
                #[cfg(target_env = "gnu")]
                unsafe {
                    libc::malloc_trim(0);
                }
            });
    });
}

/// How long after start-up [`trim_heap_when_settled`] trims.
const SETTLE_SECONDS: u32 = 5;

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

    choose_renderer();
    // Someone who forces GTK's cairo renderer gets no use from OpenGL, yet GTK 4.8 still
    // loads the GL driver at start-up to probe it (on Mesa's llvmpipe, ~50 MiB of RSS).
    // Skip the probe then, unless GDK_DEBUG was set on purpose.
    if std::env::var("GSK_RENDERER").is_ok_and(|r| r == "cairo")
        && std::env::var_os("GDK_DEBUG").is_none()
    {
        std::env::set_var("GDK_DEBUG", "gl-disable");
    }
    gtk::glib::set_application_name(&gettextrs::gettext("Vireo"));
    gtk::glib::set_prgname(Some("vireo"));
    // libvirt's event loop must be registered before GTK (and before any connection).
    crate::backend::init();

    use gtk::prelude::*;
    let app = adw::Application::builder()
        .application_id(config::APP_ID)
        .flags(gtk::gio::ApplicationFlags::HANDLES_COMMAND_LINE)
        .build();
    // CSS needs the display, which exists from `startup` on (this runs before relm4's
    // startup handler builds the window).
    app.connect_startup(|_| {
        relm4::set_global_css(include_str!("../../resources/style.css"));
        trim_heap_when_settled();
    });
    // A second `vireo --connect URI` while Vireo runs: the running instance opens the
    // connections and comes to the front, as virt-manager does. (The first instance's own
    // options were parsed in main and reach the window as its init payload.)
    app.connect_command_line(|app, cmdline| {
        if cmdline.is_remote() {
            let args: Vec<String> = cmdline
                .arguments()
                .iter()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            match crate::cli::parse(&args) {
                Ok(o) => {
                    for uri in o.connect {
                        app.activate_action("connect", Some(&uri.to_variant()));
                    }
                    // The list comes up, also when this instance started with only a
                    // guest's console showing.
                    app.activate_action("activate", None);
                }
                // The remote process already refused bad options in its own main().
                Err(e) => {
                    log::warn!("ignoring forwarded command line: {e}");
                    return glib::ExitCode::from(2);
                }
            }
        }
        app.activate();
        glib::ExitCode::SUCCESS
    });
    let args: Vec<String> = std::env::args().collect();
    // Another instance owns the name: forward our command line to it and leave. This must
    // not go through relm4, whose run() waits for one more main-loop event after the
    // application returns, which never comes in a forwarding process.
    if primary_running() {
        return app.run_with_args(&args);
    }
    // Start connecting now: libvirt's open (the test driver parses its whole document)
    // then overlaps GTK's start-up instead of following the window's construction. The
    // window claims these connections and their early events.
    let late = crate::runtime::LateSink::new();
    let mut backend = crate::backend::Backend::new(late.sink());
    for uri in &options.connect {
        backend.preopen(uri);
    }
    app::EARLY.with(|e| e.replace(Some((backend, late))));
    // `--show-domain-console` (and no other page asked for, which would win): only the
    // guest's window shows, and the list is not drawn unless something goes wrong.
    let list_visible = options.show_console.is_none()
        || options.show_performance.is_some()
        || options.show_editor.is_some();
    let relm = relm4::RelmApp::from_app(app)
        .visible_on_activate(list_visible)
        .with_args(args);
    relm.run::<app::App>(options);
    glib::ExitCode::SUCCESS
}

use gtk::glib;

/// Whether a Vireo instance already owns the application id on the session bus.
fn primary_running() -> bool {
    use gtk::gio;
    use gtk::prelude::*;
    let Ok(bus) = gio::bus_get_sync(gio::BusType::Session, None::<&gio::Cancellable>) else {
        return false;
    };
    bus.call_sync(
        Some("org.freedesktop.DBus"),
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "NameHasOwner",
        Some(&(config::APP_ID,).to_variant()),
        None,
        gio::DBusCallFlags::NONE,
        2000,
        None::<&gio::Cancellable>,
    )
    .ok()
    .and_then(|v| v.get::<(bool,)>())
    .is_some_and(|(owned,)| owned)
}

#[cfg(test)]
mod tests {
    use super::has_render_node;

    #[test]
    fn a_render_node_means_a_gpu() {
        let dir = std::env::temp_dir().join(format!("vireo-dri-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // No DRM directory at all (a VM without a GPU, a container): no GPU.
        assert!(!has_render_node(&dir.join("absent")));
        // A display-only device (card0) is no render node.
        std::fs::write(dir.join("card0"), b"").unwrap();
        assert!(!has_render_node(&dir));
        std::fs::write(dir.join("renderD128"), b"").unwrap();
        assert!(has_render_node(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
