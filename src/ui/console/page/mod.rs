// SPDX-License-Identifier: GPL-3.0-or-later
//! The Console page of a guest's details window: the display, a toolbar (Send Key,
//! screenshot, recording, scaling, full screen, detach) and the states around it (not
//! running, connecting, password, no display, disconnected).
//!
//! The session follows the guest: it opens when the page is first shown while the guest
//! runs, ends with a reason when the guest stops, and reconnects when it runs again.
//! Sockets come from the connection's worker ([`Command::OpenGraphics`]), so a slow host
//! never blocks the window.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use adw::prelude::*;
use gettextrs::gettext;
use gtk::glib;

use super::display::ConsoleDisplay;
use crate::backend::auth::Secret;
use crate::backend::Action;
use crate::console::keymap::Combo;
use crate::console::session::{self, GraphicsSource, Session, SessionEvent, SessionState};
use crate::ui::app::AppMsg;
use crate::ui::domain_object::DomainObject;
use crate::ui::widgets::status_page::BusyStatus;

mod actions;
mod capture;
mod clipboard;
mod fullscreen;
mod grab;
mod resize;
mod toolbar;
mod usb;
mod views;
mod worker;

use worker::WorkerSource;

thread_local! {
    /// Open console pages by guest name, for the `app.console-*` automation actions.
    static PAGES: RefCell<Vec<(String, std::rc::Weak<ConsolePage>)>> = const { RefCell::new(Vec::new()) };
}

/// The open console page of the guest called `name`, if any.
pub fn page_of(name: &str) -> Option<Rc<ConsolePage>> {
    PAGES.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|(_, w)| w.strong_count() > 0);
        p.iter()
            .filter(|(n, _)| n == name)
            .find_map(|(_, w)| w.upgrade())
    })
}

pub struct ConsolePage {
    pub widget: gtk::Box,
    display: ConsoleDisplay,
    stack: gtk::Stack,
    status: BusyStatus,
    status_button: gtk::Button,
    auth: BusyStatus,
    password: gtk::PasswordEntry,
    grab_hint: grab::GrabHint,
    graphical_only: Vec<gtk::Widget>,
    slot: RefCell<Option<session::SessionSlot>>,
    domain: DomainObject,
    input: relm4::Sender<AppMsg>,
    /// The page was shown at least once (sessions open lazily).
    wanted: Cell<bool>,
    /// The status button starts the guest (true) or reconnects (false).
    button_starts: Cell<bool>,
    retries: Cell<u32>,
    recorder: RefCell<Option<crate::console::recorder::Recorder>>,
    record_button: gtk::ToggleButton,
    send_key: gtk::MenuButton,
    toasts: adw::ToastOverlay,
    /// Graphical display or serial console.
    views: gtk::Stack,
    /// Built when the serial console is first shown (VTE and its fonts cost memory).
    serial: std::cell::OnceCell<super::serial_view::SerialView>,
    serial_wanted: Cell<bool>,
    /// The guest ran when last seen (a start after a stop reopens the serial console).
    was_active: Cell<bool>,
    /// The host clipboard is being set to the guest's text (not to be offered back).
    clipboard_from_guest: Cell<bool>,
    /// "Resize Guest to Window" is on: the guest follows the window's size.
    auto_resize: Cell<bool>,
    /// The pending resize request while the window's size settles.
    resize_timer: RefCell<Option<glib::SourceId>>,
    /// The guest screen size last asked for.
    asked_size: Cell<(u32, u32)>,
    /// A guest screen size the window is to fit once the display is on screen.
    pending_fit: Cell<Option<(u32, u32)>>,
    fit_tries: Cell<u32>,
    /// USB Devices (SPICE only), and its chooser while open.
    usb_button: gtk::Button,
    usb_chooser: RefCell<Option<usb::UsbChooser>>,
    /// The toolbar, hidden in full screen until the pointer touches the top edge.
    bar_revealer: gtk::Revealer,
    overlay: gtk::Overlay,
    fullscreen: Cell<bool>,
    /// The window reported being full screen since the page asked for it.
    fs_seen: Cell<bool>,
    fs_handler: RefCell<Option<(gtk::Window, glib::SignalHandlerId)>>,
    toolbar_timer: RefCell<Option<glib::SourceId>>,
    /// The `console.*` actions, once installed.
    actions: RefCell<Option<gtk::gio::SimpleActionGroup>>,
}

impl ConsolePage {
    pub fn new(domain: &DomainObject, input: relm4::Sender<AppMsg>) -> Rc<ConsolePage> {
        let display = ConsoleDisplay::new();
        display.set_domain_name(&domain.name());
        let scroller = gtk::ScrolledWindow::new();
        scroller.set_child(Some(&display));
        scroller.set_policy(gtk::PolicyType::Automatic, gtk::PolicyType::Automatic);

        let status = BusyStatus::new();
        let status_button = gtk::Button::new();
        status_button.add_css_class("pill");
        status_button.add_css_class("suggested-action");
        status_button.set_halign(gtk::Align::Center);
        status.append(&status_button);

        let auth = BusyStatus::new();
        auth.set_icon(Some("dialog-password-symbolic"));
        auth.page.set_title(&gettext("Password Required"));
        let password = gtk::PasswordEntry::new();
        password.set_show_peek_icon(true);
        password.set_placeholder_text(Some(&gettext("Password")));
        password.update_property(&[gtk::accessible::Property::Label(&gettext(
            "Console password",
        ))]);
        let connect = gtk::Button::with_mnemonic(&gettext("_Connect"));
        connect.update_property(&[gtk::accessible::Property::Label(&gettext("Connect"))]);
        connect.add_css_class("suggested-action");
        connect.add_css_class("pill");
        let abox = gtk::Box::new(gtk::Orientation::Vertical, 12);
        abox.set_halign(gtk::Align::Center);
        password.set_width_request(260);
        abox.append(&password);
        abox.append(&connect);
        auth.append(&abox);

        let stack = gtk::Stack::new();
        stack.set_transition_type(gtk::StackTransitionType::Crossfade);
        stack.add_named(&scroller, Some("display"));
        stack.add_named(&status.page, Some("status"));
        stack.add_named(&auth.page, Some("auth"));
        stack.set_vexpand(true);

        let toolbar::Toolbar {
            bar,
            record_button,
            send_key,
            grab_hint,
            graphical_only,
            usb_button,
        } = toolbar::toolbar();

        let toasts = adw::ToastOverlay::new();
        toasts.set_child(Some(&stack));
        let views = gtk::Stack::new();
        views.add_named(&toasts, Some("graphical"));
        views.set_vexpand(true);
        let bar_revealer = gtk::Revealer::new();
        bar_revealer.set_child(Some(&bar));
        bar_revealer.set_reveal_child(true);
        bar_revealer.set_transition_type(gtk::RevealerTransitionType::SlideDown);
        // In full screen the toolbar moves over the guest's screen (fullscreen.rs).
        let overlay = gtk::Overlay::new();
        overlay.set_child(Some(&views));
        let widget = gtk::Box::new(gtk::Orientation::Vertical, 0);
        widget.append(&bar_revealer);
        widget.append(&overlay);

        let page = Rc::new(ConsolePage {
            widget,
            display,
            stack,
            status,
            status_button,
            auth,
            password,
            grab_hint,
            graphical_only,
            slot: RefCell::new(None),
            domain: domain.clone(),
            input,
            wanted: Cell::new(false),
            button_starts: Cell::new(false),
            retries: Cell::new(0),
            recorder: RefCell::new(None),
            record_button,
            send_key,
            toasts,
            views,
            serial: Default::default(),
            serial_wanted: Cell::new(false),
            was_active: Cell::new(domain.state().is_active()),
            clipboard_from_guest: Cell::new(false),
            auto_resize: Cell::new(false),
            resize_timer: RefCell::new(None),
            asked_size: Cell::new((0, 0)),
            pending_fit: Cell::new(None),
            fit_tries: Cell::new(0),
            usb_button,
            usb_chooser: RefCell::new(None),
            bar_revealer,
            overlay,
            fullscreen: Cell::new(false),
            fs_seen: Cell::new(false),
            fs_handler: RefCell::new(None),
            toolbar_timer: RefCell::new(None),
            actions: RefCell::new(None),
        });
        page.wire(&connect);
        PAGES.with(|p| p.borrow_mut().push((domain.name(), Rc::downgrade(&page))));
        page.show_state_for_domain();
        page
    }

    fn wire(self: &Rc<Self>, connect: &gtk::Button) {
        self.install_actions();
        // The tools that act on the guest's screen work only while it shows (as in
        // virt-manager, they are greyed out on the status and password pages).
        let weak = Rc::downgrade(self);
        self.stack.connect_visible_child_name_notify(move |stack| {
            if let Some(me) = weak.upgrade() {
                me.set_screen_tools(stack.visible_child_name().as_deref() == Some("display"));
            }
        });
        self.set_screen_tools(self.stack.visible_child_name().as_deref() == Some("display"));
        self.wire_clipboard();
        self.follow_release_keys();
        self.wire_fullscreen();

        let weak = Rc::downgrade(self);
        self.record_button.connect_toggled(move |b| {
            if let Some(me) = weak.upgrade() {
                me.toggle_recording(b.is_active());
                // A recording stopped without the screen showing cannot start again.
                me.set_screen_tools(me.stack.visible_child_name().as_deref() == Some("display"));
            }
        });

        let weak = Rc::downgrade(self);
        self.display.connect_grab_changed(move |grabbed| {
            if let Some(me) = weak.upgrade() {
                me.show_grab_hint(grabbed);
            }
        });
        let weak = Rc::downgrade(self);
        self.display.connect_resized(move || {
            if let Some(me) = weak.upgrade() {
                me.window_resized();
            }
        });
        let weak = Rc::downgrade(self);
        self.display.connect_frame_painted(move || {
            if let Some(me) = weak.upgrade() {
                me.record_frame();
            }
        });

        let weak = Rc::downgrade(self);
        let submit = move || {
            let Some(me) = weak.upgrade() else { return };
            let pw = me.password.text().to_string();
            me.password.set_text("");
            if let Some(s) = me.session() {
                s.set_password(Secret::new(pw));
            } else {
                me.open_session(Some(Secret::new(pw)));
            }
        };
        let s2 = submit.clone();
        connect.connect_clicked(move |_| s2());
        self.password.connect_activate(move |_| submit());

        let weak = Rc::downgrade(self);
        self.status_button.connect_clicked(move |_| {
            let Some(me) = weak.upgrade() else { return };
            if me.button_starts.get() {
                me.input.emit(AppMsg::Act {
                    uuid: me.domain.uuid(),
                    action: Action::Start,
                });
            } else {
                me.reconnect();
            }
        });

        // The guest's state drives the session.
        let weak = Rc::downgrade(self);
        self.domain
            .connect_notify_local(Some("state-label"), move |_, _| {
                if let Some(me) = weak.upgrade() {
                    me.domain_state_changed();
                }
            });
        let weak = Rc::downgrade(self);
        self.domain.connect_notify_local(Some("name"), move |d, _| {
            if let Some(me) = weak.upgrade() {
                me.display.set_domain_name(&d.name());
                if let Some(s) = me.serial.get() {
                    s.set_domain_name(&d.name());
                }
                let name = d.name();
                PAGES.with(|p| {
                    for (n, w) in p.borrow_mut().iter_mut() {
                        if w.as_ptr() == Rc::as_ptr(&me) {
                            *n = name.clone();
                        }
                    }
                });
            }
        });
    }

    pub fn session(&self) -> Option<Rc<dyn Session>> {
        self.slot.borrow().as_ref().and_then(|s| s.get())
    }

    pub fn display(&self) -> &ConsoleDisplay {
        &self.display
    }

    /// The page became visible: open the session if the guest runs.
    pub fn shown(self: &Rc<Self>) {
        if !self.wanted.replace(true) {
            self.domain_state_changed();
        }
        self.display.grab_focus();
    }

    fn domain_state_changed(self: &Rc<Self>) {
        if !self.domain.state().is_active() {
            self.was_active.set(false);
        }
        if !self.wanted.get() {
            self.show_state_for_domain();
            return;
        }
        let active = self.domain.state().is_active();
        if active && !self.was_active.replace(active) && self.serial_wanted.get() {
            // The serial console of a guest that runs again: reopen it.
            self.open_serial(crate::console::serial::OpenMode::IfFree);
        }
        if self.domain.state().is_active() {
            let connected_or_trying = self.session().is_some_and(|s| {
                matches!(
                    s.state(),
                    SessionState::Connected | SessionState::Connecting
                )
            });
            if self.slot.borrow().is_none() {
                self.open_session(None);
            } else if !connected_or_trying {
                self.reconnect();
            }
        } else {
            self.show_state_for_domain();
        }
    }

    fn show_state_for_domain(&self) {
        if !self.domain.state().is_active() {
            self.show_status(
                &gettext("Not Running"),
                &gettext("The console shows the virtual machine's screen while it runs."),
                Some((&gettext("_Start"), true)),
            );
        } else if !self.wanted.get() {
            self.show_connecting();
        }
    }

    /// The status page with a spinner in place of the icon.
    fn show_connecting(&self) {
        self.status_page(&gettext("Connecting…"), "", None, true);
    }

    fn show_status(&self, title: &str, description: &str, button: Option<(&str, bool)>) {
        self.status_page(title, description, button, false);
    }

    fn status_page(
        &self,
        title: &str,
        description: &str,
        button: Option<(&str, bool)>,
        busy: bool,
    ) {
        self.status
            .set_icon(Some("computer-symbolic").filter(|_| !busy));
        self.status.page.set_title(title);
        self.status
            .page
            .set_description(Some(description).filter(|d| !d.is_empty()));
        match button {
            Some((label, starts)) => {
                self.status_button.set_label(label);
                self.status_button.set_use_underline(true);
                self.status_button
                    .update_property(&[gtk::accessible::Property::Label(&label.replace('_', ""))]);
                self.button_starts.set(starts);
                self.status_button.set_visible(true);
            }
            None => self.status_button.set_visible(false),
        }
        self.stack.set_visible_child_name("status");
    }

    fn open_session(self: &Rc<Self>, password: Option<Secret>) {
        let source: Rc<dyn GraphicsSource> = Rc::new(WorkerSource {
            input: self.input.clone(),
            conn: self.domain.conn_id(),
            uuid: self.domain.uuid(),
        });
        let weak = Rc::downgrade(self);
        let listener: session::Listener = Rc::new(move |ev| {
            if let Some(me) = weak.upgrade() {
                me.on_session_event(ev);
            }
        });
        let slot = session::open(source, listener, password);
        self.slot.replace(Some(slot));
    }

    fn reconnect(self: &Rc<Self>) {
        match self.session() {
            Some(s) => s.connect(),
            None => self.open_session(None),
        }
    }

    fn on_session_event(self: &Rc<Self>, ev: &SessionEvent) {
        match ev {
            SessionEvent::State(st) => self.session_state(st),
            SessionEvent::Resized { width, height } => {
                self.display.resized(*width, *height);
                self.fit_window_to_guest(*width, *height);
            }
            SessionEvent::Damage {
                x,
                y,
                width,
                height,
            } => self.display.damage(*x, *y, *width, *height),
            SessionEvent::PointerMode { .. } => {}
            SessionEvent::Bell => self.display.error_bell(),
            SessionEvent::Agent { connected: true } => {
                self.offer_host_clipboard();
                self.asked_size.set((0, 0));
                if self.auto_resize.get() {
                    self.resize_guest_to_window(false);
                }
            }
            SessionEvent::Agent { connected: false } => {}
            SessionEvent::GuestClipboard(text) => self.guest_clipboard(text),
            SessionEvent::ClipboardRequest => self.clipboard_request(),
            SessionEvent::UsbChanged => self.refresh_usb_chooser(),
        }
    }

    fn session_state(self: &Rc<Self>, st: &SessionState) {
        match st {
            SessionState::Connecting => self.show_connecting(),
            SessionState::Connected => {
                self.retries.set(0);
                self.update_usb_button();
                self.display.set_session(self.session());
                self.stack.set_visible_child_name("display");
                self.display.grab_focus();
            }
            SessionState::AuthNeeded { refused, message } => {
                self.auth.page.set_description(Some(&if *refused {
                    gettext("The password was refused. Try again.")
                } else {
                    gettext("The console of this virtual machine is protected by a password.")
                }));
                log::info!("console password needed: {message}");
                self.stack.set_visible_child_name("auth");
                self.password.grab_focus();
            }
            SessionState::NoDisplay(_) => self.show_status(
                &gettext("No Graphical Console"),
                &gettext("This virtual machine has no VNC or SPICE display."),
                None,
            ),
            SessionState::Disconnected(reason) => {
                self.display.set_session(None);
                self.display.set_grab(false);
                if self.record_button.is_active() {
                    self.record_button.set_active(false);
                }
                if !self.domain.state().is_active() {
                    self.show_state_for_domain();
                    return;
                }
                // The guest still runs (a reboot, a hiccup): retry a few times.
                let n = self.retries.get();
                if n < 3 {
                    self.retries.set(n + 1);
                    let weak = Rc::downgrade(self);
                    glib::timeout_add_local_once(
                        std::time::Duration::from_millis(700 << n),
                        move || {
                            if let Some(me) = weak.upgrade() {
                                if me.domain.state().is_active() {
                                    me.reconnect();
                                }
                            }
                        },
                    );
                }
                self.show_status(
                    &gettext("Disconnected"),
                    reason,
                    Some((&gettext("_Reconnect"), false)),
                );
            }
        }
    }

    pub fn send_key(&self, id: &str) {
        let (Some(s), Some(codes)) = (
            self.session(),
            Combo::from_id(id).and_then(|c| c.scancodes()),
        ) else {
            return;
        };
        session::send_combo(&*s, &codes);
    }
}

impl Drop for ConsolePage {
    fn drop(&mut self) {
        if let Some(s) = self.session() {
            s.close();
        }
        if let Some(s) = self.serial.get() {
            s.close();
        }
    }
}
