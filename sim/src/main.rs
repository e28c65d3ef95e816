//! `akscert`: the command line. This file holds only the CLI definition and dispatch; each
//! subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod inspect_cmd;

/// Which certificates does my AKS cluster depend on, and when do they expire?
#[derive(Debug, Parser)]
#[command(name = "akscert", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inspect certificates (PEM/DER/base64), kubeconfigs, and the output of the AKS
    /// certificate check commands; with a kubeconfig and a server certificate, say whether
    /// the kubeconfig still works against that API server.
    Inspect(inspect_cmd::InspectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect(args) => inspect_cmd::run(&args),
    }
}
