// SPDX-License-Identifier: GPL-3.0-or-later
//! Command-line options, as virt-manager's: `--connect URI` (repeatable) opens those
//! connections instead of the saved ones. Parsed here without GTK, so it is unit-tested.

/// What the command line asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// URIs to open instead of the saved connections (in order, duplicates dropped).
    pub connect: Vec<String>,
    pub help: bool,
    pub version: bool,
    /// `--show-domain-performance NAME`: open that guest's Performance page.
    pub show_performance: Option<String>,
    /// `--show-domain-editor NAME`: open that guest's details (Overview) page.
    pub show_editor: Option<String>,
    /// `--show-domain-console NAME`: open that guest's Console page.
    pub show_console: Option<String>,
}

pub const USAGE: &str = "Usage: vireo [OPTION…]

Manage virtual machines through libvirt.

Options:
  -c, --connect URI   Open the connection URI instead of the saved ones (repeatable),
                      e.g. qemu:///system, qemu+ssh://user@host/system, test:///default
      --show-domain-performance NAME
                      Open the Performance page of the guest NAME
      --show-domain-editor NAME
                      Open the details window of the guest NAME
      --show-domain-console NAME
                      Open the console of the guest NAME
  -h, --help          Show this help
      --version       Show the version
";

/// Parses the arguments after the program name.
pub fn parse<I, S>(args: I) -> Result<Options, String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut o = Options::default();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let a = a.as_ref();
        let uri = if a == "-c" || a == "--connect" {
            match it.next() {
                Some(v) => Some(v.as_ref().to_string()),
                None => return Err(format!("{a} needs a URI")),
            }
        } else if let Some(v) = a.strip_prefix("--connect=") {
            Some(v.to_string())
        } else if a == "--show-domain-performance"
            || a == "--show-domain-editor"
            || a == "--show-domain-console"
        {
            let name = match it.next() {
                Some(v) if !v.as_ref().is_empty() => v.as_ref().to_string(),
                _ => return Err(format!("{a} needs a guest name")),
            };
            if a == "--show-domain-editor" {
                o.show_editor = Some(name);
            } else if a == "--show-domain-console" {
                o.show_console = Some(name);
            } else {
                o.show_performance = Some(name);
            }
            None
        } else if let Some(v) = a.strip_prefix("--show-domain-performance=") {
            if v.is_empty() {
                return Err("--show-domain-performance needs a guest name".into());
            }
            o.show_performance = Some(v.to_string());
            None
        } else {
            match a {
                "-h" | "--help" => o.help = true,
                "--version" => o.version = true,
                other => return Err(format!("unknown option '{other}'")),
            }
            None
        };
        if let Some(uri) = uri {
            if uri.is_empty() {
                return Err("--connect needs a non-empty URI".into());
            }
            if !o.connect.contains(&uri) {
                o.connect.push(uri);
            }
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_connect() {
        let o = parse([
            "--connect",
            "qemu:///system",
            "-c",
            "test:///default",
            "--connect=qemu:///system",
        ])
        .unwrap();
        assert_eq!(o.connect, ["qemu:///system", "test:///default"]);
    }

    #[test]
    fn errors() {
        assert!(parse(["--connect"]).unwrap_err().contains("needs a URI"));
        assert!(parse(["--bogus"]).unwrap_err().contains("--bogus"));
        assert!(parse(["--connect="]).is_err());
    }

    #[test]
    fn show_performance() {
        let o = parse([
            "--connect",
            "qemu:///system",
            "--show-domain-performance",
            "vm1",
        ])
        .unwrap();
        assert_eq!(o.show_performance.as_deref(), Some("vm1"));
        assert!(parse(["--show-domain-performance"])
            .unwrap_err()
            .contains("guest name"));
        assert_eq!(
            parse(["--show-domain-performance=vm2"])
                .unwrap()
                .show_performance
                .as_deref(),
            Some("vm2")
        );
    }

    #[test]
    fn show_console() {
        let o = parse([
            "--connect",
            "qemu:///system",
            "--show-domain-console",
            "vm1",
        ])
        .unwrap();
        assert_eq!(o.show_console.as_deref(), Some("vm1"));
        assert!(parse(["--show-domain-console"]).is_err());
    }

    #[test]
    fn show_editor() {
        let o = parse(["--show-domain-editor", "vm3"]).unwrap();
        assert_eq!(o.show_editor.as_deref(), Some("vm3"));
        assert!(parse(["--show-domain-editor"])
            .unwrap_err()
            .contains("guest name"));
    }

    #[test]
    fn flags() {
        assert!(parse(["--help"]).unwrap().help);
        assert!(parse(["--version"]).unwrap().version);
        assert_eq!(parse::<[&str; 0], &str>([]).unwrap(), Options::default());
    }
}
