// SPDX-License-Identifier: GPL-3.0-or-later
//! Status pages whose large icon costs nothing until it shows.
//!
//! Adwaita's symbolic icons above 16 px are SVGs, and the first SVG icon loads librsvg: about
//! 6.5 MiB of resident memory (measured with `--show-domain-console`). A hidden page in a
//! `gtk::Stack` is still measured, and measuring looks its icon up, so these pages get their
//! icon only when they are mapped. While busy (connecting) they show a spinner instead, as
//! GNOME Boxes does (our own [`Spinner`]: GTK's is an SVG too), so the common path (connect,
//! then show the list or the guest's screen) never loads an SVG.

use adw::prelude::*;
use std::cell::Cell;
use std::rc::Rc;

use super::spinner::Spinner;

/// A status page with an icon, or a spinner in its place while busy. `page.set_child` is
/// taken: put extra widgets in with [`BusyStatus::append`].
#[derive(Clone)]
pub struct BusyStatus {
    pub page: adw::StatusPage,
    spinner: Spinner,
    children: gtk::Box,
    /// None while busy.
    icon: Rc<Cell<Option<&'static str>>>,
}

impl BusyStatus {
    pub fn new() -> BusyStatus {
        let page = adw::StatusPage::new();
        let spinner = Spinner::new();
        spinner.set_halign(gtk::Align::Center);
        let children = gtk::Box::new(gtk::Orientation::Vertical, 12);
        children.append(&spinner);
        page.set_child(Some(&children));
        let s = BusyStatus {
            page,
            spinner,
            children,
            icon: Rc::new(Cell::new(None)),
        };
        // The handler holds the spinner and the icon, not the page: no cycle.
        let (spinner, icon) = (s.spinner.clone(), s.icon.clone());
        s.page
            .connect_map(move |page| apply(page, &spinner, icon.get()));
        s
    }

    pub fn append(&self, child: &impl IsA<gtk::Widget>) {
        self.children.append(child);
    }

    /// `Some(icon)`: the icon (set once mapped); `None`: busy, a spinner in its place.
    pub fn set_icon(&self, icon: Option<&'static str>) {
        self.icon.set(icon);
        if icon.is_none() || self.page.is_mapped() {
            apply(&self.page, &self.spinner, icon);
        } else {
            self.spinner.set_visible(false);
        }
    }
}

impl Default for BusyStatus {
    fn default() -> Self {
        Self::new()
    }
}

fn apply(page: &adw::StatusPage, spinner: &Spinner, icon: Option<&'static str>) {
    page.set_icon_name(icon);
    spinner.set_visible(icon.is_none());
}
