// SPDX-License-Identifier: GPL-3.0-or-later
//! The main window component. It owns the [`Backend`], turns its events into list diffs,
//! connection status and error toasts, and exposes every user action as a GAction
//! (`win.start-domain('UUID')`, `app.connect('URI')`, …) so that menus, buttons, keyboard
//! shortcuts and D-Bus clients all go through the same path.

use std::collections::BTreeMap;

use adw::prelude::*;
use gettextrs::gettext;
use relm4::prelude::*;

mod events;

use super::actions;
use super::dialogs;
use super::domain_list::DomainList;
use super::status::{self, ConnView};
use crate::backend::{Action, Backend, BackendEvent, ConnId, ConnState, ConnectionUri};
use crate::cli::Options;

/// The URI tried when neither the command line nor the settings name a connection.
pub const SYSTEM_URI: &str = "qemu:///system";
/// libvirt's in-process test hypervisor, used when no daemon is reachable.
pub const EMBEDDED_URI: &str = "test:///default";

/// What a connection row's menu asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnOp {
    Connect,
    Disconnect,
    /// Close it and forget it.
    Remove,
    /// Open its overview (host CPU and memory).
    Details,
}

#[derive(Debug)]
pub enum AppMsg {
    /// Show the Add Connection dialog.
    ShowAddConnection,
    /// Save a connection from the dialog and open it.
    AddConnection {
        uri: String,
        autoconnect: bool,
    },
    /// Connect, disconnect or remove a connection (by id).
    Conn(ConnId, ConnOp),
    Backend(BackendEvent),
    /// Apply a lifecycle action to the domain with this UUID (force off asks first).
    Act {
        uuid: String,
        action: Action,
    },
    /// Force off after the user confirmed.
    ForceOffConfirmed(String),
    /// Open a connection (`app.connect`).
    Open(String),
    /// Re-read every connection; retry failed ones.
    Refresh,
    /// Show the Details dialog of error number N.
    ShowError(u32),
    /// Apply a lifecycle action to every selected guest it fits.
    ActSelected(Action),
    /// Force off the selected guests after the user confirmed.
    ForceOffSelectedConfirmed(Vec<String>),
    /// The search text changed.
    Search(String),
    /// Show or hide a column (by id) and remember it.
    ShowColumn(String, bool),
    /// Open a guest's details window (by UUID).
    OpenDomain(String),
    /// Send a command to a connection's worker (from a details page).
    Send(ConnId, crate::backend::Command),
    /// The statistics preferences changed: re-schedule every connection's polling.
    StatsSettingsChanged,
    /// The list's window was shown or hidden, or a page drawing statistics came or went.
    StatsDemandChanged,
}

thread_local! {
    /// A backend `ui::run` created before the window, already connecting to the command
    /// line's URIs, with the sink that keeps its events until the window takes it.
    pub(super) static EARLY: std::cell::RefCell<
        Option<(Backend, std::sync::Arc<crate::runtime::LateSink<BackendEvent>>)>,
    > = const { std::cell::RefCell::new(None) };
}

pub struct App {
    backend: Backend,
    list: DomainList,
    conns: BTreeMap<ConnId, ConnView>,
    /// The automatic qemu:///system attempt; if it fails we fall back to the embedded driver.
    probe: Option<ConnId>,
    /// Why we are showing the embedded driver, if we are.
    fallback_reason: Option<String>,
    /// (heading, details) of errors shown as toasts, for their Details button.
    errors: Vec<(String, String)>,
    bench: bool,
    painted_once: bool,
    /// Stats ticks arrived while the window was hidden; refresh every row when it shows.
    stats_stale: bool,
    /// Whether the workers poll statistics now (something on screen draws them).
    stats_polling: bool,
    /// Since when polling has been paused.
    stats_paused_at: Option<std::time::Instant>,
    /// A guest (and page) the command line asked to show, opened once it is listed.
    show: Option<(String, &'static str)>,
    /// Open details windows, to which replies and events about their guest are routed.
    details: Vec<super::details::DetailsHandle>,
    /// For opening windows from places without a sender at hand.
    input: relm4::Sender<AppMsg>,
}

pub use super::window::AppWidgets;

mod routing;
mod stats;

impl App {
    fn label_of(&self, conn: ConnId) -> String {
        self.conns
            .get(&conn)
            .map(|c| c.label.clone())
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, widgets: &AppWidgets) -> Option<ConnId> {
        self.open_with(uri, true, widgets)
    }

    fn open_with(&mut self, uri: &str, connect_now: bool, widgets: &AppWidgets) -> Option<ConnId> {
        match self.backend.open_with(uri, connect_now) {
            Ok(id) => {
                let parsed = self
                    .backend
                    .uri(id)
                    .cloned()
                    .unwrap_or_else(|| ConnectionUri {
                        driver: String::new(),
                        transport: None,
                        user: None,
                        host: None,
                        port: None,
                        path: String::new(),
                        query: None,
                    });
                let view = ConnView::new(&parsed);
                self.list.add_conn(id, &view.label);
                self.list
                    .set_conn_status(id, &status::state_text(&view.state), false, false);
                self.conns.insert(id, view);
                Some(id)
            }
            Err(e) => {
                let heading = gettext("Cannot connect to “%s”").replace("%s", uri);
                self.toast_error(widgets, heading, e.to_string());
                None
            }
        }
    }

    fn toast_error(&mut self, widgets: &AppWidgets, heading: String, details: String) {
        log::warn!("{heading}: {details}");
        self.errors.push((heading.clone(), details));
        let toast = adw::Toast::new(&heading);
        toast.set_button_label(Some(&gettext("Details")));
        toast.set_action_name(Some("win.show-error"));
        toast.set_action_target_value(Some(&((self.errors.len() - 1) as u32).to_variant()));
        toast.set_timeout(8);
        widgets.toasts.add_toast(toast);
        // The list is hidden under `--show-domain-console`: if no other window shows, it
        // comes up to show the error (never an app running with no window).
        let shown = relm4::main_application()
            .windows()
            .iter()
            .any(|w| w.is_visible());
        if !shown {
            widgets.window.present();
        }
    }

    fn render(&mut self, widgets: &AppWidgets) {
        let (title, subtitle) = status::window_title(&self.conns);
        widgets.title.set_title(&title);
        widgets.title.set_subtitle(&subtitle);
        widgets
            .banner
            .show(status::banner(&self.conns, self.fallback_reason.as_deref()));
        let page = status::page(
            &self.conns,
            self.list.len(),
            self.list.visible_len(),
            self.probe.is_some(),
        );
        if let Some((icon, heading, body)) = page.status_text() {
            widgets.empty.set_icon(icon);
            widgets.empty.page.set_title(&heading);
            widgets.empty.page.set_description(Some(&body));
            widgets.stack.set_visible_child_name("status");
        } else {
            widgets.stack.set_visible_child_name("list");
        }
    }
}

impl Component for App {
    type Init = Options;
    type Input = AppMsg;
    type Output = ();
    type CommandOutput = ();
    type Root = adw::ApplicationWindow;
    type Widgets = AppWidgets;

    fn init_root() -> Self::Root {
        let (w, h, maximized) = super::settings::window_geometry();
        let win = adw::ApplicationWindow::builder()
            .title(gettext("Vireo"))
            .default_width(w)
            .default_height(h)
            .width_request(360)
            .height_request(294)
            .build();
        if maximized {
            win.maximize();
        }
        win
    }

    fn init(
        options: Options,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let input = sender.input_sender().clone();
        let to_app: crate::runtime::Sink<BackendEvent> =
            std::sync::Arc::new(move |ev| input.emit(AppMsg::Backend(ev)));
        // The backend `run` started connecting with, if any; its events wait for `to_app`.
        let (backend, late) = match EARLY.with(|e| e.take()) {
            Some((backend, late)) => (backend, Some(late)),
            None => (Backend::new(to_app.clone()), None),
        };

        let list = DomainList::new();
        let widgets = super::window::build(&root, &sender, &list);
        actions::install(&root, &sender);
        if let Some(settings) = super::settings::handle() {
            let input = sender.input_sender().clone();
            settings.connect_changed(None, move |_, key| {
                if key.starts_with("stats-") {
                    input.emit(AppMsg::StatsSettingsChanged);
                }
            });
            // The Settings object must live as long as the window for the signal to fire.
            root.connect_destroy(move |_| drop(settings.clone()));
        }
        // Statistics are polled only while the list or a page drawing them is on screen.
        for map in [true, false] {
            let input = sender.input_sender().clone();
            let emit = move |_: &adw::ApplicationWindow| input.emit(AppMsg::StatsDemandChanged);
            if map {
                root.connect_map(emit);
            } else {
                root.connect_unmap(emit);
            }
        }
        let input = sender.input_sender().clone();
        super::stats_view::on_watch_change(move || input.emit(AppMsg::StatsDemandChanged));
        actions::update_selection_actions(&root, &[]);
        let win = root.downgrade();
        list.selection.connect_selection_changed(move |sel, _, _| {
            if let Some(win) = win.upgrade() {
                actions::update_selection_actions(&win, &super::domain_list::selected_in(sel));
            }
        });

        let mut model = App {
            backend,
            list,
            conns: BTreeMap::new(),
            probe: None,
            fallback_reason: None,
            errors: Vec::new(),
            bench: std::env::var_os("VIREO_BENCH").is_some(),
            painted_once: false,
            stats_stale: false,
            stats_polling: false,
            stats_paused_at: None,
            show: options
                .show_performance
                .clone()
                .map(|n| (n, "performance"))
                .or_else(|| options.show_editor.clone().map(|n| (n, "overview")))
                .or_else(|| options.show_console.clone().map(|n| (n, "console"))),
            details: Vec::new(),
            input: sender.input_sender().clone(),
        };

        let uris = options.connect.clone();
        let saved = super::settings::saved_connections();
        if uris.is_empty() && !saved.is_empty() {
            // Saved connections: the autoconnect ones connect now, the others wait as rows.
            let auto = super::settings::autoconnect_uris();
            for uri in &saved {
                model.open_with(uri, auto.contains(uri), &widgets);
            }
        } else if uris.is_empty() {
            // VIREO_SYSTEM_URI: where to look for the system daemon (tests point it at a
            // socket that does not exist to see the fallback).
            let system =
                std::env::var("VIREO_SYSTEM_URI").unwrap_or_else(|_| SYSTEM_URI.to_string());
            model.probe = model.open(&system, &widgets);
        } else {
            for uri in &uris {
                model.open(uri, &widgets);
            }
        }
        model.backend.close_unclaimed();
        if let Some(late) = late {
            late.attach(to_app);
        }
        model.render(&widgets);
        ComponentParts { model, widgets }
    }

    fn update_with_view(
        &mut self,
        widgets: &mut Self::Widgets,
        msg: AppMsg,
        sender: ComponentSender<Self>,
        root: &Self::Root,
    ) {
        // A statistics tick changes nothing `render` shows (titles, banner, empty states).
        let stats_tick = matches!(&msg, AppMsg::Backend(BackendEvent::Stats { .. }));
        match msg {
            AppMsg::Backend(ev) => self.on_backend(ev, widgets),
            AppMsg::Act { uuid, action } => match self.list.find(&uuid) {
                None => {
                    let heading = status::action_failed_heading(action, &uuid);
                    self.toast_error(
                        widgets,
                        heading,
                        gettext("No virtual machine with this UUID is listed."),
                    );
                }
                Some(obj) if action == Action::ForceOff => {
                    let input = sender.input_sender().clone();
                    let uuid = obj.uuid();
                    dialogs::confirm_force_off(root, &obj.name(), move || {
                        input.emit(AppMsg::ForceOffConfirmed(uuid.clone()))
                    });
                }
                Some(obj) => {
                    self.backend.send(
                        obj.conn_id(),
                        crate::backend::Command::Lifecycle { uuid, action },
                    );
                }
            },
            AppMsg::ForceOffConfirmed(uuid) => {
                if let Some(obj) = self.list.find(&uuid) {
                    self.backend.send(
                        obj.conn_id(),
                        crate::backend::Command::Lifecycle {
                            uuid,
                            action: Action::ForceOff,
                        },
                    );
                }
            }
            AppMsg::Open(uri) => {
                // An explicit connection replaces the embedded fallback.
                if self.fallback_reason.is_some() {
                    let embedded: Vec<_> = self
                        .conns
                        .iter()
                        .filter(|(_, c)| c.uri == EMBEDDED_URI)
                        .map(|(id, _)| *id)
                        .collect();
                    for id in embedded {
                        self.backend.close(id);
                        self.conns.remove(&id);
                        self.list.drop_conn(id);
                    }
                    self.fallback_reason = None;
                }
                if !self.conns.values().any(|c| c.uri == uri) {
                    self.open(&uri, widgets);
                }
            }
            AppMsg::Refresh => {
                for id in self.backend.ids() {
                    self.backend.send(id, crate::backend::Command::Refresh);
                }
            }
            AppMsg::ActSelected(action) => {
                let targets: Vec<_> = self
                    .list
                    .selected()
                    .into_iter()
                    .filter(|d| action.allowed_in(d.state()))
                    .collect();
                if action == Action::ForceOff && !targets.is_empty() {
                    let names: Vec<String> = targets.iter().map(|d| d.name()).collect();
                    let uuids: Vec<String> = targets.iter().map(|d| d.uuid()).collect();
                    let input = sender.input_sender().clone();
                    dialogs::confirm_force_off(root, &names.join(", "), move || {
                        input.emit(AppMsg::ForceOffSelectedConfirmed(uuids.clone()))
                    });
                } else {
                    for d in targets {
                        self.backend.send(
                            d.conn_id(),
                            crate::backend::Command::Lifecycle {
                                uuid: d.uuid(),
                                action,
                            },
                        );
                    }
                }
            }
            AppMsg::ForceOffSelectedConfirmed(uuids) => {
                for uuid in uuids {
                    if let Some(d) = self.list.find(&uuid) {
                        self.backend.send(
                            d.conn_id(),
                            crate::backend::Command::Lifecycle {
                                uuid,
                                action: Action::ForceOff,
                            },
                        );
                    }
                }
            }
            AppMsg::Search(text) => self.list.set_query(&text),
            AppMsg::StatsSettingsChanged => {
                for id in self.backend.ids() {
                    if matches!(
                        self.conns.get(&id).map(|c| &c.state),
                        Some(ConnState::Connected { .. })
                    ) {
                        self.send_stats_schedule(id);
                    }
                }
            }
            AppMsg::StatsDemandChanged => self.stats_demand_changed(widgets),
            AppMsg::OpenDomain(uuid) => {
                if let Some(obj) = self.list.find(&uuid) {
                    // Like virt-manager: a running guest opens on its console.
                    let page = if obj.state().is_active() {
                        "console"
                    } else {
                        "overview"
                    };
                    self.open_details(root, &obj, page);
                }
            }
            AppMsg::Send(conn, cmd) => {
                self.backend.send(conn, cmd);
            }
            AppMsg::ShowAddConnection => {
                let input = sender.input_sender().clone();
                super::connect_dialog::present(root, move |uri, autoconnect| {
                    input.emit(AppMsg::AddConnection { uri, autoconnect })
                });
            }
            AppMsg::AddConnection { uri, autoconnect } => {
                super::settings::save_connection(&uri, autoconnect);
                sender.input(AppMsg::Open(uri));
            }
            AppMsg::Conn(id, op) => match op {
                ConnOp::Connect => {
                    self.backend.send(id, crate::backend::Command::Connect);
                }
                ConnOp::Disconnect => {
                    self.backend.send(id, crate::backend::Command::Disconnect);
                }
                ConnOp::Details => {
                    if let (Some(obj), Some(c)) = (self.list.conn(id), self.conns.get(&id)) {
                        super::details::connection::present(root, obj, &c.uri);
                    }
                }
                ConnOp::Remove => {
                    if let Some(c) = self.conns.remove(&id) {
                        super::settings::forget_connection(&c.uri);
                    }
                    self.backend.close(id);
                    self.list.drop_conn(id);
                }
            },
            AppMsg::ShowColumn(id, visible) => {
                self.list.set_column_visible(&id, visible);
                super::settings::set_column_hidden(&id, !visible);
            }
            AppMsg::ShowError(n) => {
                if let Some((heading, details)) = self.errors.get(n as usize) {
                    dialogs::error_details(root, heading, details);
                }
            }
        }
        if !stats_tick {
            self.render(widgets);
        }
    }
}
