// SPDX-License-Identifier: GPL-3.0-or-later
//! The Performance page: CPU, memory, disk and network history of one guest, each a graph
//! with a value axis in its units, redrawn on every statistics tick (the guest's
//! `stats-serial` notification) while the page exists.

use adw::prelude::*;
use gettextrs::gettext;

use crate::ui::domain_object::DomainObject;
use crate::ui::stats_view::{self, Column};
use crate::ui::widgets::graph::{Graph, GraphData};

pub struct Page {
    pub widget: gtk::ScrolledWindow,
}

fn legend(names: &[String]) -> gtk::Box {
    let b = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    for (i, n) in names.iter().enumerate() {
        let l = gtk::Label::new(None);
        l.set_markup(&format!(
            "<span foreground=\"{}\">●</span> {}",
            Graph::color_css(i),
            gtk::glib::markup_escape_text(n)
        ));
        l.add_css_class("caption");
        b.append(&l);
    }
    b
}

impl Page {
    pub fn new(domain: &DomainObject) -> Self {
        let list = gtk::Box::new(gtk::Orientation::Vertical, 18);
        list.set_margin_top(18);
        list.set_margin_bottom(18);
        list.set_margin_start(18);
        list.set_margin_end(18);
        let mut graphs = Vec::new();
        for (column, title, lines) in [
            (Column::Cpu, gettext("CPU"), vec![gettext("Guest CPU")]),
            (Column::Memory, gettext("Memory"), vec![gettext("In use")]),
            (
                Column::Disk,
                gettext("Disk I/O"),
                vec![gettext("Read"), gettext("Write")],
            ),
            (
                Column::Network,
                gettext("Network I/O"),
                vec![gettext("Received"), gettext("Sent")],
            ),
        ] {
            let heading = gtk::Label::new(Some(&title));
            heading.add_css_class("heading");
            heading.set_xalign(0.0);
            let head = gtk::Box::new(gtk::Orientation::Horizontal, 12);
            heading.set_hexpand(true);
            head.append(&heading);
            head.append(&legend(&lines));
            let graph = Graph::default();
            graph.set_vexpand(true);
            let group = gtk::Box::new(gtk::Orientation::Vertical, 6);
            group.append(&head);
            group.append(&graph);
            list.append(&group);
            graphs.push((column, graph));
        }
        let clamp = adw::Clamp::new();
        clamp.set_maximum_size(900);
        clamp.set_child(Some(&list));
        let widget = gtk::ScrolledWindow::new();
        widget.set_hscrollbar_policy(gtk::PolicyType::Never);
        widget.set_child(Some(&clamp));

        let redraw = {
            let graphs = graphs.clone();
            move |d: &DomainObject| {
                for (column, graph) in &graphs {
                    match stats_view::domain_graph(d.conn_id(), &d.uuid(), *column) {
                        Some((data, words)) => graph.set_data(data, &words),
                        None => graph.set_data(
                            GraphData {
                                labels: [String::new(), String::new(), String::new()],
                                ..Default::default()
                            },
                            &gettext("No statistics: the virtual machine is not running"),
                        ),
                    }
                }
            }
        };
        redraw(domain);
        // Follow the guest for as long as the page lives.
        let page = widget.downgrade();
        let redraw = std::rc::Rc::new(redraw);
        let handler = std::cell::RefCell::new(None);
        let r = redraw.clone();
        let id = domain.connect_notify_local(Some("stats-serial"), move |d, _| {
            if page.upgrade().is_some_and(|p| p.is_mapped()) {
                r(d);
            }
        });
        handler.replace(Some(id));
        // Ticks nudge only guests something shows (`DomainObject::stats_ticked`): this page
        // is one while it is on screen (its tab chosen, its window mapped), whether or not
        // the list has the guest's row on screen. Shown again, it catches up at once.
        let on_screen = std::rc::Rc::new(std::cell::Cell::new(false));
        let (d, flag) = (domain.downgrade(), on_screen.clone());
        widget.connect_map(move |_| {
            if let Some(d) = d.upgrade() {
                if !flag.replace(true) {
                    d.set_page_shown(true);
                }
                redraw(&d);
            }
        });
        let (d, flag) = (domain.downgrade(), on_screen.clone());
        widget.connect_unmap(move |_| {
            if let Some(d) = d.upgrade() {
                if flag.replace(false) {
                    d.set_page_shown(false);
                }
            }
        });
        let d = domain.downgrade();
        widget.connect_destroy(move |_| {
            if let Some(d) = d.upgrade() {
                if let Some(id) = handler.take() {
                    d.disconnect(id);
                }
                if on_screen.replace(false) {
                    d.set_page_shown(false);
                }
            }
        });
        Page { widget }
    }
}
