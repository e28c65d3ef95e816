//! `akscert`: the command line. This file holds only the CLI definition and dispatch; each
//! subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod inspect_cmd;
mod simulate_cmd;

/// Which certificates does my AKS cluster depend on, when do they expire or rotate, and
/// what happens if we do X, or nothing?
#[derive(Debug, Parser)]
#[command(name = "akscert", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a what-if scenario; without a file, the bundled example.
    Simulate(simulate_cmd::SimulateArgs),
    /// Inspect certificates (PEM/DER/base64), kubeconfigs, and the output of the AKS
    /// certificate check commands; with a kubeconfig and a server certificate, say whether
    /// the kubeconfig still works against that API server.
    Inspect(inspect_cmd::InspectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => simulate_cmd::run(&simulate_cmd::SimulateArgs::default()),
        Some(Command::Simulate(args)) => simulate_cmd::run(&args),
        Some(Command::Inspect(args)) => inspect_cmd::run(&args),
    }
}
