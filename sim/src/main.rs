//! `akscert`: AKS certificate lifecycles — what-if simulations and expiry reports.

use std::io::Write;
use std::process::ExitCode;

use akscert_core::engine::{self, RunOptions, Scenario};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "akscert",
    version,
    about = "AKS certificate lifecycles: what expires, what rotates, what breaks if you do X"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a what-if scenario (JSON); without a file, the bundled example.
    Simulate {
        /// Scenario file; `-` for stdin.
        scenario: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(Command::Simulate { scenario, format }) = cli.command.or(Some(Command::Simulate {
        scenario: None,
        format: Format::Human,
    })) else {
        return ExitCode::from(2);
    };
    let text = match scenario.as_deref() {
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
            eprintln!("akscert: {}: {e}", scenario.as_deref().unwrap_or("example"));
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
    let out = match format {
        Format::Human => akscert_sim::human::timeline(&timeline),
        Format::Json => serde_json::to_string_pretty(&timeline).unwrap_or_default() + "\n",
    };
    let mut stdout = anstream::stdout();
    if stdout.write_all(out.as_bytes()).is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
