// SPDX-License-Identifier: GPL-3.0-or-later
//! The main window's widgets: header bar (title, refresh, search, selection actions,
//! primary menu), banner, search bar, the guest list and its status page, toasts, and the
//! guest list's context menu. Built once; the app component updates them.

use adw::prelude::*;
use gettextrs::gettext;
use relm4::ComponentSender;

use super::actions;
use super::app::{App, AppMsg};
use super::conn_object::ConnObject;
use super::domain_list::{menus, CellRef, DomainList};
use super::status;
use super::widgets::menu_on_first_open;
use super::widgets::status_page::BusyStatus;

pub struct AppWidgets {
    pub window: adw::ApplicationWindow,
    pub toasts: adw::ToastOverlay,
    pub title: adw::WindowTitle,
    pub banner: status::Banner,
    pub stack: gtk::Stack,
    pub empty: BusyStatus,
}

fn icon_button(icon: &str, tooltip: &str, action: &str) -> gtk::Button {
    let b = gtk::Button::from_icon_name(icon);
    b.set_tooltip_text(Some(tooltip));
    b.set_action_name(Some(action));
    b.update_property(&[gtk::accessible::Property::Label(tooltip)]);
    b
}

pub fn build(
    root: &adw::ApplicationWindow,
    sender: &ComponentSender<App>,
    list: &DomainList,
) -> AppWidgets {
    let title = adw::WindowTitle::new(&gettext("Vireo"), "");
    let header = adw::HeaderBar::new();
    header.set_title_widget(Some(&title));
    header.pack_start(&icon_button(
        "view-refresh-symbolic",
        &gettext("Refresh"),
        "win.refresh",
    ));

    // Actions on the selected guests.
    let selection = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    selection.add_css_class("linked");
    selection.append(&icon_button(
        "media-playback-start-symbolic",
        &gettext("Start Selected"),
        "win.start-selected",
    ));
    selection.append(&icon_button(
        "system-shutdown-symbolic",
        &gettext("Shut Down Selected"),
        "win.shutdown-selected",
    ));
    let more = gtk::MenuButton::new();
    more.set_icon_name("view-more-symbolic");
    more.set_tooltip_text(Some(&gettext("More Actions on Selected")));
    more.update_property(&[gtk::accessible::Property::Label(&gettext(
        "More Actions on Selected",
    ))]);
    menu_on_first_open(&more, || menus::selection_menu().upcast());
    selection.append(&more);
    header.pack_start(&selection);

    let menu = gtk::MenuButton::new();
    menu.set_icon_name("open-menu-symbolic");
    menu.set_tooltip_text(Some(&gettext("Main Menu")));
    menu.set_primary(true);
    menu.update_property(&[gtk::accessible::Property::Label(&gettext("Main Menu"))]);
    menu_on_first_open(&menu, || actions::primary_menu().upcast());
    header.pack_end(&menu);

    let search_button = gtk::ToggleButton::new();
    search_button.set_icon_name("system-search-symbolic");
    search_button.set_tooltip_text(Some(&gettext("Search")));
    search_button.update_property(&[gtk::accessible::Property::Label(&gettext("Search"))]);
    header.pack_end(&search_button);

    let entry = gtk::SearchEntry::new();
    entry.set_placeholder_text(Some(&gettext("Search by name, title or description")));
    entry.set_hexpand(true);
    entry.update_property(&[gtk::accessible::Property::Label(&gettext(
        "Search virtual machines",
    ))]);
    let clamp = adw::Clamp::new();
    clamp.set_maximum_size(400);
    clamp.set_child(Some(&entry));
    let search_bar = gtk::SearchBar::new();
    search_bar.set_child(Some(&clamp));
    search_bar.connect_entry(&entry);
    search_bar.set_key_capture_widget(Some(root));
    search_bar
        .bind_property("search-mode-enabled", &search_button, "active")
        .bidirectional()
        .sync_create()
        .build();
    let search = gtk::gio::SimpleAction::new("search", None);
    let bar = search_bar.clone();
    search.connect_activate(move |_, _| bar.set_search_mode(!bar.is_search_mode()));
    root.add_action(&search);
    let input = sender.input_sender().clone();
    entry.connect_search_changed(move |e| input.emit(AppMsg::Search(e.text().to_string())));

    let banner = status::Banner::new();
    let scrolled = gtk::ScrolledWindow::new();
    scrolled.set_vexpand(true);
    scrolled.set_child(Some(&list.view));
    context_menu(&list.view, &list.selection);
    // Enter or double-click: open a guest, fold or unfold a connection.
    let input = sender.input_sender().clone();
    list.view.connect_activate(move |view, pos| {
        let Some(row) = view
            .model()
            .and_then(|m| m.item(pos))
            .and_downcast::<gtk::TreeListRow>()
        else {
            return;
        };
        match row
            .item()
            .and_downcast::<super::domain_object::DomainObject>()
        {
            Some(d) => input.emit(AppMsg::OpenDomain(d.uuid())),
            None => row.set_expanded(!row.is_expanded()),
        }
    });

    let empty = BusyStatus::new();
    let stack = gtk::Stack::new();
    stack.add_named(&scrolled, Some("list"));
    stack.add_named(&empty.page, Some("status"));
    let toasts = adw::ToastOverlay::new();
    toasts.set_child(Some(&stack));
    toasts.set_vexpand(true);

    let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
    content.append(&header);
    content.append(&search_bar);
    content.append(&banner.widget);
    content.append(&toasts);
    root.set_content(Some(&content));
    root.connect_close_request(|w| {
        super::settings::save_window_geometry(w);
        gtk::glib::Propagation::Proceed
    });

    // Apply the saved column choice.
    let hidden = super::settings::hidden_columns();
    for id in &hidden {
        list.set_column_visible(id, false);
    }
    AppWidgets {
        window: root.clone(),
        toasts,
        title,
        banner,
        stack,
        empty,
    }
}

/// Right-click on a guest: select it unless it is already part of the selection, then offer
/// the selection's menu; on a connection row, that connection's menu. Shift+F10 or the Menu
/// key open the selection's menu from the keyboard.
fn context_menu(view: &gtk::ColumnView, selection: &gtk::MultiSelection) {
    // Its model is set at each opening (the selection's or a connection's menu).
    let popover = gtk::PopoverMenu::from_model(None::<&gtk::gio::MenuModel>);
    popover.set_parent(view);
    popover.set_has_arrow(false);
    popover.set_halign(gtk::Align::Start);
    // The popover is parented to the view by hand, so it must be unparented by hand.
    let p = popover.clone();
    view.connect_destroy(move |_| p.unparent());
    let click = gtk::GestureClick::new();
    click.set_button(gtk::gdk::BUTTON_SECONDARY);
    let sel = selection.clone();
    let pop = popover.clone();
    click.connect_pressed(move |gesture, _, x, y| {
        let Some(view) = gesture.widget() else { return };
        let mut model = menus::selection_menu();
        if let Some((pos, item)) = row_at(&view, &sel, x, y) {
            if let Some(c) = item.downcast_ref::<ConnObject>() {
                model = menus::conn_menu(c.conn_id(), c.connected());
            } else if !sel.is_selected(pos) {
                sel.select_item(pos, true);
            }
        }
        pop.set_menu_model(Some(&model));
        pop.set_pointing_to(Some(&gtk::gdk::Rectangle::new(x as i32, y as i32, 1, 1)));
        popup_when_idle(&pop);
    });
    view.add_controller(click);

    let keys = gtk::ShortcutController::new();
    let pop = popover.clone();
    let open = gtk::CallbackAction::new(move |_, _| {
        pop.set_menu_model(Some(&menus::selection_menu()));
        pop.set_pointing_to(Some(&gtk::gdk::Rectangle::new(48, 48, 1, 1)));
        popup_when_idle(&pop);
        gtk::glib::Propagation::Stop
    });
    keys.add_shortcut(gtk::Shortcut::new(
        gtk::ShortcutTrigger::parse_string("<Shift>F10|Menu"),
        Some(open),
    ));
    view.add_controller(keys);
}

/// Opens `popover` once its new menu model is measured: opened at once, GTK 4.8 sizes the
/// popover for the model it had before, and cuts off the last item.
fn popup_when_idle(popover: &gtk::PopoverMenu) {
    let p = popover.downgrade();
    gtk::glib::idle_add_local_once(move || {
        if let Some(p) = p.upgrade() {
            p.popup();
        }
    });
}

/// The model position and item of the row under (x, y): the cell widget there, or, where
/// the click is on a row but outside our cell widgets (the space a cell's content leaves), the
/// cell of that row found among the picked widget's ancestors' descendants by its height.
fn row_at(
    view: &gtk::Widget,
    sel: &gtk::MultiSelection,
    x: f64,
    y: f64,
) -> Option<(u32, gtk::glib::Object)> {
    let mut w = view.pick(x, y, gtk::PickFlags::DEFAULT)?;
    let item = loop {
        if let Some(cell) = cell_at_height(&w, view, y as f32) {
            break cell.item()?;
        }
        w = w.parent()?;
        if &w == view {
            return None;
        }
    };
    let pos = (0..sel.n_items()).find(|&i| {
        sel.item(i)
            .and_downcast::<gtk::TreeListRow>()
            .and_then(|r| r.item())
            .is_some_and(|o| o == item)
    })?;
    Some((pos, item))
}

/// `w` or the first of its descendants that is one of our cells and spans height `y` of `view`.
fn cell_at_height(w: &gtk::Widget, view: &gtk::Widget, y: f32) -> Option<CellRef> {
    if let Some(cell) = w.downcast_ref::<CellRef>() {
        // A row widget kept for reuse keeps its last position: only drawn cells count.
        if !cell.is_drawable() {
            return None;
        }
        let b = cell.compute_bounds(view)?;
        return (b.y() <= y && y < b.y() + b.height()).then(|| cell.clone());
    }
    let mut child = w.first_child();
    while let Some(c) = child {
        if let Some(cell) = cell_at_height(&c, view, y) {
            return Some(cell);
        }
        child = c.next_sibling();
    }
    None
}
