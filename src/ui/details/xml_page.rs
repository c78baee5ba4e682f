// SPDX-License-Identifier: GPL-3.0-or-later
//! The XML page: the guest's persistent definition in a real editor (GtkSourceView, XML
//! highlighting). Apply defines it through libvirt, which validates; when libvirt refuses,
//! its message shows above the editor and the user's text stays exactly as typed.
//!
//! The editor is built when the page is first shown: GtkSourceView's language and style
//! files and the monospace fonts cost memory that a window opened for its console never
//! needs.

use adw::prelude::*;
use gettextrs::gettext;
use sourceview5::prelude::*;

use crate::backend::{BackendError, Command, ConnId};
use crate::ui::app::AppMsg;

pub struct XmlPage {
    pub widget: gtk::Box,
    /// Holds the editor once built.
    scrolled: gtk::ScrolledWindow,
    /// None until the page is first shown.
    buffer: std::cell::RefCell<Option<sourceview5::Buffer>>,
    message: gtk::Label,
    apply: gtk::Button,
    /// The text as last loaded from libvirt (to tell whether the user changed it).
    loaded: std::cell::RefCell<String>,
    /// Called when Apply sends a definition (the window tells its own "defined" event
    /// from someone else's).
    on_apply: std::cell::RefCell<Option<Box<dyn Fn()>>>,
}

impl XmlPage {
    pub fn new(conn: ConnId, uuid: String, input: relm4::Sender<AppMsg>) -> std::rc::Rc<Self> {
        let scrolled = gtk::ScrolledWindow::new();
        scrolled.set_vexpand(true);

        let message = gtk::Label::new(None);
        message.set_wrap(true);
        message.set_xalign(0.0);
        message.set_selectable(true);
        message.set_visible(false);
        message.set_margin_start(12);
        message.set_margin_end(12);
        message.set_margin_top(6);
        message.set_margin_bottom(6);
        let (bar, apply, revert) = super::apply_revert_bar();

        let widget = gtk::Box::new(gtk::Orientation::Vertical, 0);
        widget.append(&message);
        widget.append(&scrolled);
        widget.append(&bar);
        let page = std::rc::Rc::new(XmlPage {
            widget,
            scrolled,
            buffer: Default::default(),
            message,
            apply,
            loaded: Default::default(),
            on_apply: Default::default(),
        });

        let p = std::rc::Rc::downgrade(&page);
        page.widget.connect_map(move |_| {
            if let Some(p) = p.upgrade() {
                p.build_editor();
            }
        });
        let (p, i, u) = (std::rc::Rc::downgrade(&page), input.clone(), uuid.clone());
        page.apply.connect_clicked(move |_| {
            let Some(p) = p.upgrade() else { return };
            let text = p.text();
            p.say(&gettext("Applying…"), false);
            if let Some(f) = p.on_apply.borrow().as_ref() {
                f();
            }
            i.emit(AppMsg::Send(
                conn,
                Command::Define {
                    uuid: u.clone(),
                    xml: text,
                },
            ));
        });
        let p = std::rc::Rc::downgrade(&page);
        revert.connect_clicked(move |_| {
            if let Some(p) = p.upgrade() {
                let text = p.loaded.borrow().clone();
                if let Some(b) = p.buffer.borrow().as_ref() {
                    b.set_text(&text);
                }
                p.message.set_visible(false);
            }
        });
        input.emit(AppMsg::Send(conn, Command::GetXml { uuid }));
        page
    }

    /// The editor, with the text last loaded.
    fn build_editor(&self) {
        if self.buffer.borrow().is_some() {
            return;
        }
        let buffer = sourceview5::Buffer::new(None);
        if let Some(lang) = sourceview5::LanguageManager::default().language("xml") {
            buffer.set_language(Some(&lang));
        }
        let scheme_for = |dark: bool| {
            sourceview5::StyleSchemeManager::default().scheme(if dark {
                "Adwaita-dark"
            } else {
                "Adwaita"
            })
        };
        let style = adw::StyleManager::default();
        buffer.set_style_scheme(scheme_for(style.is_dark()).as_ref());
        let b = buffer.downgrade();
        style.connect_dark_notify(move |s| {
            if let Some(b) = b.upgrade() {
                b.set_style_scheme(scheme_for(s.is_dark()).as_ref());
            }
        });
        buffer.set_text(&self.loaded.borrow());
        let view = sourceview5::View::with_buffer(&buffer);
        view.set_monospace(true);
        view.set_show_line_numbers(true);
        view.set_auto_indent(true);
        view.set_tab_width(2);
        view.set_insert_spaces_instead_of_tabs(true);
        view.update_property(&[gtk::accessible::Property::Label(&gettext("XML definition"))]);
        self.scrolled.set_child(Some(&view));
        self.buffer.replace(Some(buffer));
    }

    /// What the editor holds (before it is built: the text last loaded).
    fn text(&self) -> String {
        match self.buffer.borrow().as_ref() {
            Some(b) => b.text(&b.start_iter(), &b.end_iter(), false).to_string(),
            None => self.loaded.borrow().clone(),
        }
    }

    pub fn on_apply(&self, f: impl Fn() + 'static) {
        self.on_apply.replace(Some(Box::new(f)));
    }

    fn say(&self, text: &str, error: bool) {
        self.message.set_label(text);
        self.message.set_visible(!text.is_empty());
        if error {
            self.message.add_css_class("error");
        } else {
            self.message.remove_css_class("error");
        }
    }

    /// The definition arrived (first load or reload).
    pub fn loaded(&self, xml: &Result<String, BackendError>) {
        match xml {
            Ok(xml) => {
                self.loaded.replace(xml.clone());
                if let Some(b) = self.buffer.borrow().as_ref() {
                    b.set_text(xml);
                }
                self.say("", false);
            }
            Err(e) => self.say(
                &gettext("Cannot read the definition: %s").replace("%s", &e.message),
                true,
            ),
        }
    }

    /// libvirt's answer to Apply. On refusal the user's text stays untouched.
    pub fn applied(&self, result: &Result<(), BackendError>) {
        match result {
            Ok(()) => {
                let text = self.text();
                self.loaded.replace(text);
                self.say(
                    &gettext(
                        "Applied. A running guest uses the new definition from its next start.",
                    ),
                    false,
                );
            }
            Err(e) => self.say(
                &gettext("libvirt refused the definition: %s").replace("%s", &e.message),
                true,
            ),
        }
    }

    /// The guest no longer exists: nothing can be applied.
    pub fn gone(&self) {
        self.apply.set_sensitive(false);
        self.say(
            &gettext(
                "This virtual machine no longer exists. Your text is kept, but cannot be applied.",
            ),
            true,
        );
    }
}
