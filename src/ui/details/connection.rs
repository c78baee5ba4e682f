// SPDX-License-Identifier: GPL-3.0-or-later
//! The connection overview: which host a connection reaches (URI, host name, libvirt
//! version, state) and the host's CPU and memory history, redrawn on every statistics tick.

use adw::prelude::*;
use gettextrs::gettext;

use crate::ui::conn_object::ConnObject;
use crate::ui::stats_view::{self, Column};
use crate::ui::widgets::graph::Graph;

/// Opens (or brings forward) the overview of `conn`, whose URI is `uri`.
pub fn present(parent: &impl IsA<gtk::Window>, conn: &ConnObject, uri: &str) {
    let key = format!("connection-{}", conn.conn_id());
    let app = relm4::main_application();
    if let Some(w) = app.windows().into_iter().find(|w| w.widget_name() == key) {
        w.present();
        return;
    }
    let window = adw::Window::builder()
        .title(conn.label())
        .default_width(680)
        .default_height(560)
        .transient_for(parent)
        .destroy_with_parent(true)
        .build();
    window.set_widget_name(&key);
    app.add_window(&window);

    let info = adw::PreferencesGroup::new();
    let uri_row = adw::ActionRow::new();
    uri_row.set_title(&gettext("URI"));
    uri_row.set_subtitle(uri);
    let status = adw::ActionRow::new();
    status.set_title(&gettext("Status"));
    status.set_subtitle(&conn.status());
    info.add(&uri_row);
    info.add(&status);

    let body = gtk::Box::new(gtk::Orientation::Vertical, 18);
    body.set_margin_top(18);
    body.set_margin_bottom(18);
    body.set_margin_start(18);
    body.set_margin_end(18);
    body.append(&info);
    let mut graphs = Vec::new();
    for (column, title) in [
        (Column::Cpu, gettext("Host CPU")),
        (Column::Memory, gettext("Host Memory")),
    ] {
        let heading = gtk::Label::new(Some(&title));
        heading.add_css_class("heading");
        heading.set_xalign(0.0);
        let graph = Graph::default();
        graph.set_vexpand(true);
        body.append(&heading);
        body.append(&graph);
        graphs.push((column, graph));
    }
    let clamp = adw::Clamp::new();
    clamp.set_maximum_size(900);
    clamp.set_child(Some(&body));
    let scrolled = gtk::ScrolledWindow::new();
    scrolled.set_vexpand(true);
    scrolled.set_child(Some(&clamp));
    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&adw::HeaderBar::new());
    content.append(&scrolled);
    window.set_content(Some(&content));

    let redraw = move |c: &ConnObject| {
        status.set_subtitle(&c.status());
        for (column, graph) in &graphs {
            if let Some((data, words)) = stats_view::host_graph(c.conn_id(), *column) {
                graph.set_data(data, &words);
            }
        }
    };
    redraw(conn);
    // Its graphs keep polling going while the list is hidden.
    stats_view::watch_while_mapped(&window);
    let ids = ["stats-serial", "status"]
        .into_iter()
        .map(|p| {
            let redraw = redraw.clone();
            conn.connect_notify_local(Some(p), move |c, _| redraw(c))
        })
        .collect::<Vec<_>>();
    let c = conn.downgrade();
    let ids = std::cell::RefCell::new(ids);
    window.connect_destroy(move |_| {
        if let Some(c) = c.upgrade() {
            for id in ids.take() {
                c.disconnect(id);
            }
        }
    });
    window.present();
}
