// SPDX-License-Identifier: GPL-3.0-or-later
//! Checks Vireo's XML layer on your own files: parses each file (domain, network, pool,
//! volume, snapshot, capabilities: whatever its root is), optionally sets the domain title
//! through the typed view, serialises it, and says whether anything was lost.
//!
//! ```text
//! cargo run --release --example xml_roundtrip -- [--out DIR] [--set-title TEXT] FILE...
//! ```
//!
//! One line per file: `FILE ok`, or what was lost or refused. Without `--set-title` the
//! output must equal the input byte for byte (else the structural differences are listed;
//! if there are none, only formatting changed). With it, the only difference allowed is the
//! title. With `--out`, the result is written to DIR under the same file name. The exit
//! status is 1 if any file was lost or refused, 2 for bad arguments.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use vireo::xml::diff::{diff, Change};
use vireo::xml::{Document, Domain};

struct Args {
    out: Option<PathBuf>,
    title: Option<String>,
    files: Vec<PathBuf>,
}

const USAGE: &str = "usage: xml_roundtrip [--out DIR] [--set-title TEXT] FILE...";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        out: None,
        title: None,
        files: Vec::new(),
    };
    let mut it = std::env::args_os().skip(1);
    while let Some(arg) = it.next() {
        match arg.to_str() {
            Some("--out") => args.out = Some(it.next().ok_or("--out needs a directory")?.into()),
            Some("--set-title") => {
                let t = it.next().ok_or("--set-title needs a text")?;
                args.title = Some(t.into_string().map_err(|_| "the title is not UTF-8")?);
            }
            Some("-h" | "--help") => return Err(String::new()),
            Some(s) if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => args.files.push(arg.into()),
        }
    }
    if args.files.is_empty() {
        return Err("no FILE given".into());
    }
    Ok(args)
}

/// Round-trips one file; `Ok` is the serialised result, `Err` says what went wrong.
fn check(path: &Path, title: Option<&str>) -> Result<String, String> {
    let input = std::fs::read_to_string(path).map_err(|e| format!("unreadable: {e}"))?;
    let doc = Document::parse(&input).map_err(|e| format!("refused: {e}"))?;
    let Some(title) = title else {
        let out = doc.to_xml();
        if out == input {
            return Ok(out);
        }
        let again =
            Document::parse(&out).map_err(|e| format!("lost: output does not parse: {e}"))?;
        return Err(describe("lost", &diff(&doc, &again), "formatting changed"));
    };
    let root = doc.name(doc.root()).unwrap_or_default().to_owned();
    let mut dom = Domain::from_document(doc.clone())
        .map_err(|_| format!("refused: --set-title needs a <domain>, this is a <{root}>"))?;
    dom.set_title(title).map_err(|e| format!("refused: {e}"))?;
    let out = dom.to_xml();
    let again = Domain::parse(&out).map_err(|e| format!("lost: output does not parse: {e}"))?;
    let want = (!title.is_empty()).then_some(title);
    if again.title().as_deref() != want {
        return Err("lost: the title does not read back".into());
    }
    let unexpected: Vec<Change> = diff(&doc, again.document())
        .into_iter()
        .filter(|c| !matches!(c, Change::Added(p) | Change::Removed(p) | Change::Changed(p) if p.starts_with("/domain/title")))
        .collect();
    if unexpected.is_empty() {
        Ok(out)
    } else {
        Err(describe("lost", &unexpected, ""))
    }
}

fn describe(what: &str, changes: &[Change], if_none: &str) -> String {
    if changes.is_empty() {
        return format!("{what}: {if_none}");
    }
    let list: Vec<String> = changes.iter().take(10).map(ToString::to_string).collect();
    let more = changes.len().saturating_sub(10);
    let tail = if more > 0 {
        format!(" (and {more} more)")
    } else {
        String::new()
    };
    format!("{what}: {}{tail}", list.join(", "))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("xml_roundtrip: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("xml_roundtrip: cannot create {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    let mut failed = false;
    for file in &args.files {
        let result = check(file, args.title.as_deref()).and_then(|out| {
            let Some(dir) = &args.out else { return Ok(()) };
            let name = file.file_name().ok_or("refused: not a file name")?;
            let target = dir.join(name);
            std::fs::write(&target, out)
                .map_err(|e| format!("not written to {}: {e}", target.display()))
        });
        match result {
            Ok(()) => println!("{} ok", file.display()),
            Err(e) => {
                failed = true;
                println!("{} {e}", file.display());
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
