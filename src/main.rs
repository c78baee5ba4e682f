// SPDX-License-Identifier: GPL-3.0-or-later
//! The `vireo` binary: parses the command line and runs the UI. Everything else is in the
//! library (see `lib.rs`).

use std::process::ExitCode;

fn main() -> ExitCode {
    vireo::ui::bench::mark_start();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match vireo::cli::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("vireo: {e}\n\n{}", vireo::cli::USAGE);
            return ExitCode::from(2);
        }
    };
    if options.help {
        print!("{}", vireo::cli::USAGE);
        return ExitCode::SUCCESS;
    }
    if options.version {
        println!("vireo {}", vireo::config::VERSION);
        return ExitCode::SUCCESS;
    }
    match vireo::ui::run(options) {
        glib::ExitCode::SUCCESS => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}

use gtk::glib;
