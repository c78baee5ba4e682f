// SPDX-License-Identifier: GPL-3.0-or-later
//! Host keys to QEMU "qnum" scancodes, and the Send Key combinations.
//!
//! QEMU's extended key event (VNC) and SPICE's inputs channel both take a scancode, so the
//! guest's keyboard layout decides what a key means, not the host's. GDK reports X11/Wayland
//! hardware keycodes, which on Linux are evdev codes + 8. qnum is XT scan code set 1 with
//! 0xE0-prefixed keys folded into 0x80 | code. For the 83 keys of the original PC keyboard
//! the evdev code *is* the set-1 scancode; the others are listed below (from the Linux input
//! event codes and the XT set-1 tables).

/// The qnum scancode of a GDK hardware keycode (evdev + 8), if the key has one.
pub fn qnum_from_keycode(keycode: u32) -> Option<u16> {
    let evdev = keycode.checked_sub(8)?;
    qnum_from_evdev(evdev)
}

/// The qnum scancode of a Linux evdev key code.
pub fn qnum_from_evdev(evdev: u32) -> Option<u16> {
    if (1..=83).contains(&evdev) {
        return Some(evdev as u16);
    }
    let q = match evdev {
        85 => 0x76,  // KEY_ZENKAKUHANKAKU
        86 => 0x56,  // KEY_102ND (< > on ISO keyboards)
        87 => 0x57,  // KEY_F11
        88 => 0x58,  // KEY_F12
        89 => 0x73,  // KEY_RO
        92 => 0x79,  // KEY_HENKAN
        93 => 0x70,  // KEY_KATAKANAHIRAGANA
        94 => 0x7b,  // KEY_MUHENKAN
        96 => 0x9c,  // KEY_KPENTER        e0 1c
        97 => 0x9d,  // KEY_RIGHTCTRL      e0 1d
        98 => 0xb5,  // KEY_KPSLASH        e0 35
        99 => 0xb7,  // KEY_SYSRQ / Print  e0 37
        100 => 0xb8, // KEY_RIGHTALT       e0 38
        102 => 0xc7, // KEY_HOME           e0 47
        103 => 0xc8, // KEY_UP             e0 48
        104 => 0xc9, // KEY_PAGEUP         e0 49
        105 => 0xcb, // KEY_LEFT           e0 4b
        106 => 0xcd, // KEY_RIGHT          e0 4d
        107 => 0xcf, // KEY_END            e0 4f
        108 => 0xd0, // KEY_DOWN           e0 50
        109 => 0xd1, // KEY_PAGEDOWN       e0 51
        110 => 0xd2, // KEY_INSERT         e0 52
        111 => 0xd3, // KEY_DELETE         e0 53
        113 => 0xa0, // KEY_MUTE           e0 20
        114 => 0xae, // KEY_VOLUMEDOWN     e0 2e
        115 => 0xb0, // KEY_VOLUMEUP       e0 30
        116 => 0xde, // KEY_POWER          e0 5e
        117 => 0x59, // KEY_KPEQUAL
        119 => 0xc6, // KEY_PAUSE (QEMU's qnum for Pause/Break)
        124 => 0x7d, // KEY_YEN
        125 => 0xdb, // KEY_LEFTMETA       e0 5b
        126 => 0xdc, // KEY_RIGHTMETA      e0 5c
        127 => 0xdd, // KEY_COMPOSE / Menu e0 5d
        _ => return None,
    };
    Some(q)
}

/// qnum scancodes the Send Key menu uses.
pub mod qnum {
    pub const ESC: u16 = 0x01;
    pub const BACKSPACE: u16 = 0x0e;
    pub const LEFT_CTRL: u16 = 0x1d;
    pub const LEFT_ALT: u16 = 0x38;
    pub const LEFT_SHIFT: u16 = 0x2a;
    pub const DELETE: u16 = 0xd3;
    pub const PRINT: u16 = 0xb7;
    /// F1 … F10 are 0x3b … 0x44; F11 and F12 are 0x57 and 0x58.
    pub fn function(n: u8) -> Option<u16> {
        match n {
            1..=10 => Some(0x3a + n as u16),
            11 => Some(0x57),
            12 => Some(0x58),
            _ => None,
        }
    }
}

/// A key combination the guest cannot get from the host keyboard (the host would act on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combo {
    CtrlAltDel,
    CtrlAltBackspace,
    /// Ctrl+Alt+F1 … F12: the guest's virtual terminals.
    CtrlAltF(u8),
    Print,
    /// Alt+SysRq (Print with Alt held).
    SysRq,
}

impl Combo {
    /// Every combination, in Send Key menu order.
    pub fn all() -> Vec<Combo> {
        let mut v = vec![Combo::CtrlAltDel, Combo::CtrlAltBackspace];
        v.extend((1..=12).map(Combo::CtrlAltF));
        v.extend([Combo::Print, Combo::SysRq]);
        v
    }

    /// A stable id (action parameter): `ctrl-alt-del`, `ctrl-alt-f3`, `sysrq` …
    pub fn id(self) -> String {
        match self {
            Combo::CtrlAltDel => "ctrl-alt-del".into(),
            Combo::CtrlAltBackspace => "ctrl-alt-backspace".into(),
            Combo::CtrlAltF(n) => format!("ctrl-alt-f{n}"),
            Combo::Print => "print".into(),
            Combo::SysRq => "sysrq".into(),
        }
    }

    pub fn from_id(id: &str) -> Option<Combo> {
        Combo::all().into_iter().find(|c| c.id() == id)
    }

    /// The label of a menu entry (key names are not translated, like on keycaps).
    pub fn label(self) -> String {
        match self {
            Combo::CtrlAltDel => "Ctrl+Alt+Del".into(),
            Combo::CtrlAltBackspace => "Ctrl+Alt+Backspace".into(),
            Combo::CtrlAltF(n) => format!("Ctrl+Alt+F{n}"),
            Combo::Print => "Print".into(),
            Combo::SysRq => "Alt+SysRq".into(),
        }
    }

    /// The scancodes to press in order (released in reverse), or None for an invalid F key.
    pub fn scancodes(self) -> Option<Vec<u16>> {
        use qnum::*;
        Some(match self {
            Combo::CtrlAltDel => vec![LEFT_CTRL, LEFT_ALT, DELETE],
            Combo::CtrlAltBackspace => vec![LEFT_CTRL, LEFT_ALT, BACKSPACE],
            Combo::CtrlAltF(n) => vec![LEFT_CTRL, LEFT_ALT, function(n)?],
            Combo::Print => vec![PRINT],
            Combo::SysRq => vec![LEFT_ALT, PRINT],
        })
    }
}

/// The keys that release a grabbed keyboard (virt-viewer's "release cursor" hotkey):
/// modifiers, and optionally F12. Settings store it as an id like `ctrl+alt` or `shift+f12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseCombo {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
    pub f12: bool,
}

/// Which of the keys a release combination may use are held now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HeldKeys {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
    pub f12: bool,
}

impl Default for ReleaseCombo {
    fn default() -> Self {
        ReleaseCombo {
            ctrl: true,
            alt: true,
            shift: false,
            f12: false,
        }
    }
}

impl ReleaseCombo {
    /// The combinations the preferences offer, by id.
    pub const CHOICES: [&'static str; 3] = ["ctrl+alt", "ctrl+alt+shift", "shift+f12"];

    /// Parses an id (`ctrl+alt`, `shift+f12`…): at least two keys, each known once.
    pub fn from_id(id: &str) -> Option<ReleaseCombo> {
        let mut c = ReleaseCombo {
            ctrl: false,
            alt: false,
            shift: false,
            f12: false,
        };
        let mut n = 0;
        for part in id.split('+') {
            let slot = match part.trim().to_ascii_lowercase().as_str() {
                "ctrl" | "control" => &mut c.ctrl,
                "alt" => &mut c.alt,
                "shift" => &mut c.shift,
                "f12" => &mut c.f12,
                _ => return None,
            };
            if std::mem::replace(slot, true) {
                return None;
            }
            n += 1;
        }
        (n >= 2).then_some(c)
    }

    pub fn id(self) -> String {
        self.parts(["ctrl", "alt", "shift", "f12"]).join("+")
    }

    /// As people read it: "Ctrl+Alt", "Shift+F12".
    pub fn label(self) -> String {
        self.parts(["Ctrl", "Alt", "Shift", "F12"]).join("+")
    }

    fn parts(self, names: [&'static str; 4]) -> Vec<&'static str> {
        [self.ctrl, self.alt, self.shift, self.f12]
            .into_iter()
            .zip(names)
            .filter_map(|(on, name)| on.then_some(name))
            .collect()
    }

    /// Whether the keys held now complete the combination (every key of it is held).
    pub fn complete(self, held: HeldKeys) -> bool {
        (!self.ctrl || held.ctrl)
            && (!self.alt || held.alt)
            && (!self.shift || held.shift)
            && (!self.f12 || held.f12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_enter_match_what_qemu_echoed() {
        // The console prototype typed "hello" + Return through QEMU's extended key event
        // with these scancodes (CONSOLE-NOTES); GDK hands us evdev + 8.
        for (evdev, q) in [(35, 0x23), (18, 0x12), (38, 0x26), (24, 0x18), (28, 0x1c)] {
            assert_eq!(qnum_from_keycode(evdev + 8), Some(q));
        }
    }

    #[test]
    fn extended_keys_fold_the_e0_prefix() {
        assert_eq!(qnum_from_evdev(97), Some(0x9d)); // right Ctrl
        assert_eq!(qnum_from_evdev(100), Some(0xb8)); // AltGr
        assert_eq!(qnum_from_evdev(103), Some(0xc8)); // Up
        assert_eq!(qnum_from_evdev(111), Some(0xd3)); // Delete
        assert_eq!(qnum_from_evdev(125), Some(0xdb)); // Super
    }

    #[test]
    fn unknown_and_out_of_range() {
        assert_eq!(qnum_from_keycode(0), None);
        assert_eq!(qnum_from_keycode(7), None);
        assert_eq!(qnum_from_evdev(0), None);
        assert_eq!(qnum_from_evdev(84), None);
        assert_eq!(qnum_from_evdev(600), None);
    }

    #[test]
    fn every_mapped_code_is_distinct() {
        let codes: Vec<u16> = (0..256).filter_map(qnum_from_evdev).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes.len(), sorted.len());
    }

    #[test]
    fn combo_ids_round_trip() {
        for c in Combo::all() {
            assert_eq!(Combo::from_id(&c.id()), Some(c));
            assert!(c.scancodes().is_some(), "{c:?}");
        }
        assert_eq!(Combo::all().len(), 16);
        assert_eq!(Combo::from_id("ctrl-alt-f13"), None);
    }

    #[test]
    fn send_key_combinations() {
        assert_eq!(Combo::CtrlAltDel.scancodes(), Some(vec![0x1d, 0x38, 0xd3]));
        assert_eq!(
            Combo::CtrlAltBackspace.scancodes(),
            Some(vec![0x1d, 0x38, 0x0e])
        );
        assert_eq!(Combo::CtrlAltF(1).scancodes(), Some(vec![0x1d, 0x38, 0x3b]));
        assert_eq!(
            Combo::CtrlAltF(10).scancodes(),
            Some(vec![0x1d, 0x38, 0x44])
        );
        assert_eq!(
            Combo::CtrlAltF(12).scancodes(),
            Some(vec![0x1d, 0x38, 0x58])
        );
        assert_eq!(Combo::CtrlAltF(13).scancodes(), None);
        assert_eq!(Combo::SysRq.scancodes(), Some(vec![0x38, 0xb7]));
    }

    #[test]
    fn release_combinations_parse_print_and_match() {
        let d = ReleaseCombo::default();
        assert_eq!(d.id(), "ctrl+alt");
        assert_eq!(d.label(), "Ctrl+Alt");
        for id in ReleaseCombo::CHOICES {
            assert_eq!(
                ReleaseCombo::from_id(id).map(|c| c.id()).as_deref(),
                Some(id)
            );
        }
        assert_eq!(
            ReleaseCombo::from_id("Shift+F12")
                .map(|c| c.label())
                .as_deref(),
            Some("Shift+F12")
        );
        // One key alone, repeats and unknown keys are refused.
        for bad in ["ctrl", "ctrl+ctrl", "ctrl+super", "", "alt+"] {
            assert_eq!(ReleaseCombo::from_id(bad), None, "{bad:?}");
        }
        let held = |ctrl, alt, shift, f12| HeldKeys {
            ctrl,
            alt,
            shift,
            f12,
        };
        assert!(d.complete(held(true, true, false, false)));
        assert!(d.complete(held(true, true, true, false)));
        assert!(!d.complete(held(true, false, false, false)));
        let sf = ReleaseCombo::from_id("shift+f12").expect("valid");
        assert!(sf.complete(held(false, false, true, true)));
        assert!(!sf.complete(held(true, true, false, false)));
    }
}
