// SPDX-License-Identifier: GPL-3.0-or-later
//! The details window of one guest. Its first page is Performance (graphs with axes and
//! units); Overview, XML, hardware and console pages join it as their issues land. The window
//! follows its [`DomainObject`]: name changes retitle it, statistics ticks redraw the graphs,
//! and when the guest disappears the window says so. [`connection`] is the connection
//! overview (host CPU and memory).

pub mod connection;
mod performance;

use adw::prelude::*;
use gettextrs::gettext;

use super::domain_object::DomainObject;

/// Opens (or brings forward) the details window of `domain`, on page `page`.
pub fn present(parent: &impl IsA<gtk::Window>, domain: &DomainObject, page: &str) {
    let key = format!("details-{}-{}", domain.conn_id(), domain.uuid());
    let app = relm4::main_application();
    if let Some(w) = app.windows().into_iter().find(|w| w.widget_name() == key) {
        w.present();
        return;
    }
    let window = adw::Window::builder()
        .default_width(760)
        .default_height(640)
        .transient_for(parent)
        .destroy_with_parent(true)
        .build();
    window.set_widget_name(&key);
    app.add_window(&window);

    window.set_title(Some(&domain.name()));
    let stack = adw::ViewStack::new();
    let perf = performance::Page::new(domain);
    stack.add_titled_with_icon(
        &perf.widget,
        Some("performance"),
        &gettext("Performance"),
        "utilities-system-monitor-symbolic",
    );
    stack.set_visible_child_name(page);
    let switcher = adw::ViewSwitcherTitle::new();
    switcher.set_stack(Some(&stack));
    switcher.set_title(&domain.name());
    let header = adw::HeaderBar::new();
    header.set_title_widget(Some(&switcher));
    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&header);
    content.append(&stack);
    window.set_content(Some(&content));

    // A rename (here or elsewhere) retitles the window.
    let (w, sw) = (window.downgrade(), switcher.downgrade());
    let id = domain.connect_notify_local(Some("name"), move |d, _| {
        if let (Some(w), Some(sw)) = (w.upgrade(), sw.upgrade()) {
            w.set_title(Some(&d.name()));
            sw.set_title(&d.name());
        }
    });
    let d = domain.downgrade();
    let id = std::cell::RefCell::new(Some(id));
    window.connect_destroy(move |_| {
        if let (Some(d), Some(id)) = (d.upgrade(), id.take()) {
            d.disconnect(id);
        }
    });
    window.present();
}
