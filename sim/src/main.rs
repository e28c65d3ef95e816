//! `akscert`: which certificates does my AKS cluster (or fleet) depend on, when does each
//! expire or rotate, and what breaks if I do X — or nothing? This file holds only the
//! command-line definition and dispatch; each subcommand lives in its own module.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod fleet_cmd;
mod inspect_cmd;
mod merge_cmd;
mod report_cmd;
mod simulate_cmd;

/// AKS certificate lifecycles: what expires, what rotates, what breaks if you do X.
#[derive(Debug, Parser)]
#[command(
    name = "akscert",
    version,
    about = "AKS certificate lifecycles: what expires, what rotates, what breaks if you do X — or nothing",
    long_about = None
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Play a what-if scenario over years of simulated time (without a file: the bundled
    /// example).
    Simulate(simulate_cmd::SimulateArgs),
    /// What expires or needs action across a fleet, most urgent first: from
    /// `az aks list -o json` output or a scenario file.
    Fleet(fleet_cmd::FleetArgs),
    /// One cluster's certificate table at --now, from flags or a facts file (or
    /// `az aks show -o json`).
    #[command(visible_alias = "expiry")]
    Report(report_cmd::ReportArgs),
    /// Combine the outputs of `--shard I/N` runs into the report one run would give.
    Merge(merge_cmd::MergeArgs),
    /// Inspect certificates (PEM/DER/base64), kubeconfigs, and the output of the AKS
    /// certificate check commands; with a kubeconfig and a server certificate, say whether
    /// the kubeconfig still works against that API server.
    Inspect(inspect_cmd::InspectArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        Some(c) => c,
        // `akscert` alone runs the bundled example.
        None => match Cli::parse_from(["akscert", "simulate"]).command {
            Some(c) => c,
            None => return ExitCode::from(2),
        },
    };
    match command {
        Command::Simulate(args) => simulate_cmd::run(&args),
        Command::Fleet(args) => fleet_cmd::run(&args),
        Command::Report(args) => report_cmd::run(&args),
        Command::Merge(args) => merge_cmd::run(&args),
        Command::Inspect(args) => inspect_cmd::run(&args),
    }
}
