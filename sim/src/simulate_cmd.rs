//! `akscert simulate`: run a scenario (or the bundled example) and print its timeline.

use std::io::Write;
use std::process::ExitCode;

use akscert_core::engine::{self, RunOptions, Scenario};
use clap::{Args, ValueEnum};

/// Arguments of `simulate`.
#[derive(Debug, Default, Args)]
pub struct SimulateArgs {
    /// Scenario file (JSON); `-` for stdin; none for the bundled example.
    scenario: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
enum Format {
    #[default]
    Human,
    Json,
}

/// Run it; exit 2 on any error.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let text = match args.scenario.as_deref() {
        None => akscert_sim::EXAMPLE_SCENARIO.to_string(),
        Some("-") => {
            let mut s = String::new();
            if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
                eprintln!("akscert: cannot read stdin: {e}");
                return ExitCode::from(2);
            }
            s
        }
        Some(path) => match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("akscert: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let scenario: Scenario = match akscert_core::api::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "akscert: {}: {e}",
                args.scenario.as_deref().unwrap_or("example")
            );
            return ExitCode::from(2);
        }
    };
    let timeline = match engine::simulate(&scenario, RunOptions::default()) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("akscert: {e}");
            return ExitCode::from(2);
        }
    };
    let out = match args.format {
        Format::Human => akscert_sim::human::timeline(&timeline),
        Format::Json => serde_json::to_string_pretty(&timeline).unwrap_or_default() + "\n",
    };
    if anstream::stdout().write_all(out.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
