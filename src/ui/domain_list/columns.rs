// SPDX-License-Identifier: GPL-3.0-or-later
//! The guest list's columns: what each cell shows for a connection row and for a domain row,
//! which properties it watches, and how the column sorts. Sorting only ever compares
//! siblings (the tree keeps guests under their connection), so a sorter sees two domains or
//! two connections, never one of each.

use gettextrs::gettext;
use gtk::prelude::*;
use gtk::{gio, glib};

use super::cell::{ListCell, Render};
use crate::ui::conn_object::ConnObject;
use crate::ui::domain_object::DomainObject;
use crate::ui::stats_view::{self, Column};
use crate::ui::widgets::sparkline::Sparkline;

/// Column ids, as stored in the `hidden-columns` setting.
pub const HIDEABLE: [&str; 5] = ["state", "cpu", "memory", "disk", "network"];

/// The translated title of a column id.
pub fn title(id: &str) -> String {
    match id {
        "name" => gettext("Name"),
        "state" => gettext("State"),
        "cpu" => gettext("CPU"),
        "memory" => gettext("Memory"),
        "disk" => gettext("Disk I/O"),
        "network" => gettext("Network I/O"),
        _ => String::new(),
    }
}

fn label(css: &[&str], xalign: f32) -> gtk::Label {
    let l = gtk::Label::new(None);
    l.set_xalign(xalign);
    l.set_ellipsize(gtk::pango::EllipsizeMode::End);
    for c in css {
        l.add_css_class(c);
    }
    l
}

/// A factory whose cells are built by `setup`, watch `props` and draw with `render`.
/// Items arrive wrapped in `GtkTreeListRow`s; the name column also needs the row itself
/// (for the expander), which `setup` receives through the cell's first part.
fn factory(
    setup: fn() -> (gtk::Widget, ListCell),
    props: &'static [&'static str],
    render: Render,
) -> gtk::SignalListItemFactory {
    let f = gtk::SignalListItemFactory::new();
    f.connect_setup(move |_, item| {
        if let Some(item) = item.downcast_ref::<gtk::ListItem>() {
            let (root, _) = setup();
            item.set_child(Some(&root));
        }
    });
    f.connect_bind(move |_, item| {
        let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
            return;
        };
        let Some(row) = item.item().and_downcast::<gtk::TreeListRow>() else {
            return;
        };
        let Some(obj) = row.item() else { return };
        let Some(root) = item.child() else { return };
        let cell = match root.clone().downcast::<gtk::TreeExpander>() {
            Ok(expander) => {
                expander.set_list_row(Some(&row));
                expander.child().and_downcast::<ListCell>()
            }
            Err(w) => w.downcast::<ListCell>().ok(),
        };
        if let Some(cell) = cell {
            cell.bind(&obj, props, render);
        }
    });
    f.connect_unbind(|_, item| {
        let Some(item) = item.downcast_ref::<gtk::ListItem>() else {
            return;
        };
        let Some(root) = item.child() else { return };
        let cell = match root.clone().downcast::<gtk::TreeExpander>() {
            Ok(expander) => {
                expander.set_list_row(None);
                expander.child().and_downcast::<ListCell>()
            }
            Err(w) => w.downcast::<ListCell>().ok(),
        };
        if let Some(cell) = cell {
            cell.unbind();
        }
    });
    f
}

// ---- name ------------------------------------------------------------------------------

fn name_setup() -> (gtk::Widget, ListCell) {
    let icon: gtk::Image = glib::Object::builder()
        .property("accessible-role", gtk::AccessibleRole::Presentation)
        .build();
    icon.set_pixel_size(24);
    let name = label(&["heading"], 0.0);
    let subtitle = label(&["dim-label", "caption"], 0.0);
    let text = gtk::Box::new(gtk::Orientation::Vertical, 0);
    text.set_valign(gtk::Align::Center);
    text.append(&name);
    text.append(&subtitle);
    let cell = ListCell::new(
        &[icon.clone().upcast(), text.upcast()],
        vec![icon.upcast(), name.upcast(), subtitle.upcast()],
    );
    cell.set_margin_top(4);
    cell.set_margin_bottom(4);
    let expander = gtk::TreeExpander::new();
    expander.set_child(Some(&cell));
    (expander.upcast(), cell)
}

fn name_render(cell: &ListCell, item: &glib::Object) {
    let (Some(icon), Some(name), Some(subtitle)) = (
        cell.part::<gtk::Image>(0),
        cell.part::<gtk::Label>(1),
        cell.part::<gtk::Label>(2),
    ) else {
        return;
    };
    for c in ["running", "paused", "shutoff", "problem"] {
        icon.remove_css_class(c);
    }
    if let Some(conn) = item.downcast_ref::<ConnObject>() {
        icon.set_icon_name(Some("network-server-symbolic"));
        name.set_label(&conn.label());
        subtitle.set_label(&conn.status());
        subtitle.set_visible(true);
        if conn.problem() {
            icon.add_css_class("problem");
        }
    } else if let Some(d) = item.downcast_ref::<DomainObject>() {
        icon.set_icon_name(Some("computer-symbolic"));
        icon.add_css_class(state_class(d));
        name.set_label(&d.name());
        let title = d.title();
        subtitle.set_visible(!title.is_empty());
        subtitle.set_label(&title);
        // What a screen reader says for the row: its name and its state.
        cell.update_property(&[gtk::accessible::Property::Label(&format!(
            "{}, {}",
            d.name(),
            d.state_label()
        ))]);
    }
}

fn state_class(d: &DomainObject) -> &'static str {
    if d.paused() {
        "paused"
    } else if d.active() {
        "running"
    } else {
        "shutoff"
    }
}

// ---- state -----------------------------------------------------------------------------

fn state_setup() -> (gtk::Widget, ListCell) {
    let l = label(&["domain-state"], 0.0);
    let cell = ListCell::new(&[l.clone().upcast()], vec![l.upcast()]);
    (cell.clone().upcast(), cell)
}

fn state_render(cell: &ListCell, item: &glib::Object) {
    let Some(l) = cell.part::<gtk::Label>(0) else {
        return;
    };
    for c in ["running", "paused", "shutoff", "error"] {
        l.remove_css_class(c);
    }
    if let Some(d) = item.downcast_ref::<DomainObject>() {
        l.set_label(&d.state_label());
        l.add_css_class(state_class(d));
    } else if let Some(c) = item.downcast_ref::<ConnObject>() {
        // The connection's status is under its name; say nothing twice.
        l.set_label("");
        if c.problem() {
            l.add_css_class("error");
        }
    }
}

// ---- actions ---------------------------------------------------------------------------

fn actions_setup() -> (gtk::Widget, ListCell) {
    // Only the most common action lives in the row; the rest are in the context menu and
    // the header bar (a menu button per row made a long list slow to fill: list views
    // realise a couple of hundred rows).
    let primary = gtk::Button::new();
    primary.add_css_class("flat");
    primary.add_css_class("circular");
    primary.set_valign(gtk::Align::Center);
    let cell = ListCell::new(&[primary.clone().upcast()], vec![primary.clone().upcast()]);
    // The action, its target and the tooltip follow the bound guest when used, not on every
    // bind: setting a tooltip asks the X server where the pointer is, and setting an action
    // name resolves it through the window's action groups — a couple of hundred times each
    // while the list fills. (The window's domain actions are never disabled, so the button
    // loses no sensitivity tracking.)
    primary.set_has_tooltip(true);
    let weak = cell.downgrade();
    primary.connect_query_tooltip(move |_, _, _, _, tooltip| {
        let Some(d) = weak
            .upgrade()
            .and_then(|c| c.item())
            .and_downcast::<DomainObject>()
        else {
            return false;
        };
        tooltip.set_text(Some(&primary_action(&d).2));
        true
    });
    let weak = cell.downgrade();
    primary.connect_clicked(move |b| {
        if let Some(d) = weak
            .upgrade()
            .and_then(|c| c.item())
            .and_downcast::<DomainObject>()
        {
            let (action, _, _) = primary_action(&d);
            let uuid = glib::Variant::from(d.uuid());
            if let Err(e) = b.activate_action(action, Some(&uuid)) {
                log::warn!("{action}: {e}");
            }
        }
    });
    (cell.clone().upcast(), cell)
}

/// The row button's action for a guest: (action, icon, translated verb).
fn primary_action(d: &DomainObject) -> (&'static str, &'static str, String) {
    if d.paused() {
        (
            "win.resume-domain",
            "media-playback-start-symbolic",
            gettext("Resume"),
        )
    } else if d.active() {
        (
            "win.shutdown-domain",
            "system-shutdown-symbolic",
            gettext("Shut Down"),
        )
    } else {
        (
            "win.start-domain",
            "media-playback-start-symbolic",
            gettext("Start"),
        )
    }
}

fn actions_render(cell: &ListCell, item: &glib::Object) {
    let Some(primary) = cell.part::<gtk::Button>(0) else {
        return;
    };
    let Some(d) = item.downcast_ref::<DomainObject>() else {
        primary.set_visible(false);
        return;
    };
    primary.set_visible(true);
    let (_, icon, tip) = primary_action(d);
    if primary.icon_name().as_deref() != Some(icon) {
        primary.set_icon_name(icon);
    }
    // "Start vm1": a button's name must say what it acts on when read out of context. The
    // description is what a tooltip text would have given it.
    primary.update_property(&[
        gtk::accessible::Property::Label(&format!("{tip} {}", d.name())),
        gtk::accessible::Property::Description(&tip),
    ]);
}

// ---- metrics (filled by the stats pipeline) -----------------------------------------------

fn metric_setup() -> (gtk::Widget, ListCell) {
    let spark = Sparkline::default();
    spark.set_valign(gtk::Align::Fill);
    spark.set_hexpand(true);
    spark.add_css_class("numeric");
    spark.add_css_class("caption");
    let cell = ListCell::new(&[spark.clone().upcast()], vec![spark.upcast()]);
    (cell.clone().upcast(), cell)
}

/// Draws one graph column of a domain (its history) or a connection (the host's).
fn metric_render(cell: &ListCell, item: &glib::Object, column: Column) {
    let Some(spark) = cell.part::<Sparkline>(0) else {
        return;
    };
    let view = if let Some(d) = item.downcast_ref::<DomainObject>() {
        if d.active() {
            stats_view::domain_cell(d.conn_id(), &d.uuid(), column)
        } else {
            None
        }
    } else if let Some(c) = item.downcast_ref::<ConnObject>() {
        stats_view::host_cell(c.conn_id(), column)
    } else {
        None
    };
    match view {
        Some(v) => spark.set_points(v.points.into_iter(), v.max, &v.text, &v.words),
        None if item.downcast_ref::<DomainObject>().is_some() => spark.clear(&stats_view_unknown()),
        None => spark.clear(""),
    }
}

fn stats_view_unknown() -> String {
    crate::stats::scale::UNKNOWN.to_string()
}

fn cpu_render(cell: &ListCell, item: &glib::Object) {
    metric_render(cell, item, Column::Cpu)
}
fn memory_render(cell: &ListCell, item: &glib::Object) {
    metric_render(cell, item, Column::Memory)
}
fn disk_render(cell: &ListCell, item: &glib::Object) {
    metric_render(cell, item, Column::Disk)
}
fn network_render(cell: &ListCell, item: &glib::Object) {
    metric_render(cell, item, Column::Network)
}

// ---- the view ----------------------------------------------------------------------------

fn sorter(cmp: fn(&DomainObject, &DomainObject) -> std::cmp::Ordering) -> gtk::CustomSorter {
    gtk::CustomSorter::new(move |a, b| {
        match (
            a.downcast_ref::<DomainObject>(),
            b.downcast_ref::<DomainObject>(),
        ) {
            (Some(a), Some(b)) => cmp(a, b).into(),
            _ => {
                // Two connection rows: by label, whatever column sorts.
                let key = |o: &glib::Object| {
                    o.downcast_ref::<ConnObject>()
                        .map(|c| c.label())
                        .unwrap_or_default()
                };
                key(a).cmp(&key(b)).into()
            }
        }
    })
}

fn state_rank(d: &DomainObject) -> u8 {
    if d.paused() {
        1
    } else if d.active() {
        0
    } else {
        2
    }
}

/// The column view with its columns, plus the name column's sorter (for re-sorting after
/// a rename).
pub fn build(
    model: &gtk::MultiSelection,
) -> (
    gtk::ColumnView,
    gtk::CustomSorter,
    Vec<(String, gtk::ColumnViewColumn)>,
) {
    let view = gtk::ColumnView::new(Some(model.clone()));
    view.set_show_row_separators(true);
    view.set_reorderable(false);
    view.add_css_class("domain-list");
    view.update_property(&[gtk::accessible::Property::Label(&gettext(
        "Virtual machines",
    ))]);

    let name_sorter = sorter(|a, b| a.name().to_lowercase().cmp(&b.name().to_lowercase()));
    let name = gtk::ColumnViewColumn::new(
        Some(&title("name")),
        Some(factory(
            name_setup,
            &["name", "title", "state-label", "label", "status", "problem"],
            name_render,
        )),
    );
    name.set_expand(true);
    name.set_resizable(true);
    name.set_sorter(Some(&name_sorter));
    view.append_column(&name);

    let state = gtk::ColumnViewColumn::new(
        Some(&title("state")),
        Some(factory(
            state_setup,
            &["state-label", "problem"],
            state_render,
        )),
    );
    state.set_fixed_width(100);
    state.set_sorter(Some(&sorter(|a, b| {
        state_rank(a)
            .cmp(&state_rank(b))
            .then(a.name().cmp(&b.name()))
    })));
    view.append_column(&state);

    let mut columns = vec![
        ("name".to_string(), name.clone()),
        ("state".to_string(), state),
    ];
    let renders: [(&str, Render); 4] = [
        ("cpu", cpu_render),
        ("memory", memory_render),
        ("disk", disk_render),
        ("network", network_render),
    ];
    for (i, (id, render)) in renders.into_iter().enumerate() {
        let c = gtk::ColumnViewColumn::new(
            Some(&title(id)),
            Some(factory(
                metric_setup,
                &["state-label", "stats-serial"],
                render,
            )),
        );
        c.set_fixed_width(128);
        c.set_resizable(true);
        // Unknown (-1) sorts below zero; descending puts the busiest first.
        c.set_sorter(Some(&gtk::CustomSorter::new(move |a, b| {
            match (
                a.downcast_ref::<DomainObject>(),
                b.downcast_ref::<DomainObject>(),
            ) {
                (Some(a), Some(b)) => a.key(i).total_cmp(&b.key(i)).into(),
                _ => gtk::Ordering::Equal,
            }
        })));
        view.append_column(&c);
        columns.push((id.to_string(), c));
    }

    let actions = gtk::ColumnViewColumn::new(
        None,
        Some(factory(
            actions_setup,
            &["state-label", "connected"],
            actions_render,
        )),
    );
    actions.set_fixed_width(48);
    view.append_column(&actions);

    view.sort_by_column(Some(&name), gtk::SortType::Ascending);
    (view, name_sorter, columns)
}

/// The model chain: connections → (tree) their filtered guests → sorted by the view's
/// column → multi-selection.
pub fn tree_model(roots: &gio::ListStore) -> gtk::TreeListModel {
    gtk::TreeListModel::new(roots.clone(), false, true, |item| {
        item.downcast_ref::<ConnObject>()
            .and_then(|c| c.children())
            .map(|m| m.upcast::<gio::ListModel>())
    })
}
