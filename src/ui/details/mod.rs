// SPDX-License-Identifier: GPL-3.0-or-later
//! The details window of one guest: Overview (name, title, description and what the
//! definition says), Performance (graphs with axes and units) and XML (the definition in an
//! editor). Hardware and console pages join them as their issues land.
//!
//! The window follows its [`DomainObject`] and libvirt: a rename retitles it, statistics
//! ticks redraw the graphs, a definition changed by someone else is offered for reload
//! (never overwritten silently), and a guest that disappears is said to be gone. The app
//! routes the backend's replies and events for this guest to [`DetailsHandle::on_event`].
//! [`connection`] is the connection overview (host CPU and memory).

pub mod connection;
mod overview;
mod performance;
mod xml_page;

use std::cell::Cell;
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;

use super::app::AppMsg;
use super::domain_object::DomainObject;
use crate::backend::events::LifecycleEvent;
use crate::backend::{BackendEvent, Command, ConnId, Edit};

/// What the app keeps of an open details window to route events to it.
pub struct DetailsHandle {
    pub window: gtk::glib::WeakRef<adw::Window>,
    pub conn: ConnId,
    pub uuid: String,
    pub on_event: Box<dyn Fn(&BackendEvent)>,
}

/// Opens the details window of `domain` on `page` ("overview", "performance", "xml"), or
/// brings an open one forward (then returns None: it is already routed).
/// The widget name of a guest's details window (one per guest).
pub fn window_key(domain: &DomainObject) -> String {
    format!("details-{}-{}", domain.conn_id(), domain.uuid())
}

pub fn present(
    parent: &impl IsA<gtk::Window>,
    domain: &DomainObject,
    page: &str,
    input: relm4::Sender<AppMsg>,
) -> Option<DetailsHandle> {
    let key = window_key(domain);
    let app = relm4::main_application();
    if let Some(w) = app.windows().into_iter().find(|w| w.widget_name() == key) {
        if let Some(stack) = w.downcast_ref::<adw::Window>().and_then(find_stack) {
            stack.set_visible_child_name(page);
        }
        w.present();
        return None;
    }
    let window = adw::Window::builder()
        .default_width(780)
        .default_height(660)
        .transient_for(parent)
        .destroy_with_parent(true)
        .build();
    window.set_widget_name(&key);
    window.set_title(Some(&domain.name()));
    app.add_window(&window);

    let (conn, uuid) = (domain.conn_id(), domain.uuid());
    let overview = overview::Overview::new(domain, input.clone());
    let perf = performance::Page::new(domain);
    let xml = xml_page::XmlPage::new(conn, uuid.clone(), input.clone());
    let console = crate::ui::console::page::ConsolePage::new(domain, input.clone());
    let console_bin = adw::Bin::new();
    console_bin.set_child(Some(&console.widget));
    let stack = adw::ViewStack::new();
    stack.add_titled_with_icon(
        &console_bin,
        Some("console"),
        &gettext("Console"),
        "computer-symbolic",
    );
    stack.add_titled_with_icon(
        &overview.widget,
        Some("overview"),
        &gettext("Overview"),
        "dialog-information-symbolic",
    );
    stack.add_titled_with_icon(
        &perf.widget,
        Some("performance"),
        &gettext("Performance"),
        "power-profile-performance-symbolic",
    );
    stack.add_titled_with_icon(
        &xml.widget,
        Some("xml"),
        &gettext("XML"),
        "text-x-generic-symbolic",
    );
    stack.set_visible_child_name(page);
    // The console connects when it is first shown, not when the window opens.
    let cp = console.clone();
    let on_page = move |stack: &adw::ViewStack| {
        if stack.visible_child_name().as_deref() == Some("console") {
            cp.shown();
        }
    };
    on_page(&stack);
    stack.connect_visible_child_name_notify(on_page);
    let switcher = adw::ViewSwitcherTitle::new();
    switcher.set_stack(Some(&stack));
    switcher.set_title(&domain.name());
    let header = adw::HeaderBar::new();
    header.set_title_widget(Some(&switcher));

    // "Changed elsewhere — Reload" / "No longer exists".
    let notice = gtk::Label::new(None);
    notice.set_wrap(true);
    notice.set_hexpand(true);
    notice.set_xalign(0.0);
    let reload = gtk::Button::with_mnemonic(&gettext("_Reload"));
    reload.update_property(&[gtk::accessible::Property::Label(&gettext("Reload"))]);
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    bar.add_css_class("vireo-banner");
    notice.set_margin_top(6);
    notice.set_margin_bottom(6);
    notice.set_margin_start(12);
    reload.set_margin_end(12);
    reload.set_valign(gtk::Align::Center);
    bar.append(&notice);
    bar.append(&reload);
    let banner = gtk::Revealer::new();
    banner.set_child(Some(&bar));

    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&header);
    content.append(&banner);
    content.append(&stack);
    window.set_content(Some(&content));
    // Full screen is the console's: the header steps aside (the console's toolbar slides in
    // over the guest's screen instead).
    {
        let header = header.downgrade();
        window.connect_fullscreened_notify(move |w| {
            if let Some(h) = header.upgrade() {
                h.set_visible(!w.is_fullscreen());
            }
        });
    }

    {
        let (banner, input, uuid) = (banner.clone(), input.clone(), uuid.clone());
        reload.connect_clicked(move |_| {
            banner.set_reveal_child(false);
            input.emit(AppMsg::Send(conn, Command::GetXml { uuid: uuid.clone() }));
        });
    }
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

    // Our own Apply causes a "defined" event too; that one is not news.
    let own_define = Rc::new(Cell::new(0u32));
    let (ov, xp, od) = (overview.clone(), xml.clone(), own_define.clone());
    xml.on_apply(move || od.set(od.get() + 1));
    let on_event: Box<dyn Fn(&BackendEvent)> = Box::new(move |ev| match ev {
        BackendEvent::DomainXml { xml, .. } => {
            ov.loaded(xml);
            xp.loaded(xml);
        }
        BackendEvent::Edited {
            edit: Edit::Define,
            result,
            ..
        } => {
            if result.is_err() && own_define.get() > 0 {
                // Refused: no "defined" event of ours will come.
                own_define.set(own_define.get() - 1);
            }
            xp.applied(result)
        }
        BackendEvent::Edited { edit, result, .. } => ov.edited(*edit, result),
        // A rename is an undefine + define of the same guest: not news here (the title
        // follows the row object).
        BackendEvent::Lifecycle { event, .. }
            if matches!(
                (event.event, event.detail as u32),
                (
                    LifecycleEvent::Undefined,
                    virt::sys::VIR_DOMAIN_EVENT_UNDEFINED_RENAMED
                ) | (
                    LifecycleEvent::Defined,
                    virt::sys::VIR_DOMAIN_EVENT_DEFINED_RENAMED
                )
            ) => {}
        BackendEvent::Lifecycle { event, .. } => match event.event {
            LifecycleEvent::Defined if own_define.get() > 0 => own_define.set(own_define.get() - 1),
            LifecycleEvent::Defined => {
                notice.set_label(&gettext(
                    "The definition of this virtual machine was changed elsewhere.",
                ));
                reload.set_visible(true);
                banner.set_reveal_child(true);
            }
            LifecycleEvent::Undefined => {
                notice.set_label(&gettext("This virtual machine no longer exists."));
                reload.set_visible(false);
                banner.set_reveal_child(true);
                xp.gone();
            }
            _ => {}
        },
        _ => {}
    });
    window.present();
    Some(DetailsHandle {
        window: window.downgrade(),
        conn,
        uuid,
        on_event,
    })
}

/// The Revert / Apply bar at the foot of an editable page.
fn apply_revert_bar() -> (gtk::ActionBar, gtk::Button, gtk::Button) {
    let apply = gtk::Button::with_mnemonic(&gettext("_Apply"));
    apply.update_property(&[gtk::accessible::Property::Label(&gettext("Apply"))]);
    apply.add_css_class("suggested-action");
    let revert = gtk::Button::with_mnemonic(&gettext("_Revert"));
    revert.update_property(&[gtk::accessible::Property::Label(&gettext("Revert"))]);
    let bar = gtk::ActionBar::new();
    bar.pack_end(&apply);
    bar.pack_end(&revert);
    (bar, apply, revert)
}

fn find_stack(w: &adw::Window) -> Option<adw::ViewStack> {
    let content = w.content()?;
    let mut child = content.first_child();
    while let Some(c) = child {
        if let Ok(stack) = c.clone().downcast::<adw::ViewStack>() {
            return Some(stack);
        }
        child = c.next_sibling();
    }
    None
}
