//! `akscert report` (alias `expiry`): one cluster's certificate table at --now — from a
//! cluster facts file (TOML, YAML, JSON), from `az aks show -o json` output, or from
//! flags.

use std::process::ExitCode;

use akscert_core::Policy;
use akscert_core::engine::KubeconfigHolder;
use akscert_core::report::fleet::{FleetEntry, FleetReport, FleetReportRequest};
use akscert_core::report::{AksAssumptions, ClusterFacts, DateBound, PoolFacts, ReportError};
use akscert_core::time::Instant;
use akscert_core::version::KubernetesVersion;
use akscert_sim::cli::{self, CliError, EngineOpts, OutputOpts, TimeOpts, parse_instant};
use akscert_sim::engine::{Op, Worker};
use akscert_sim::inventory::{self, InventoryEntry, InventoryError};
use akscert_sim::outcome::ReportOutcome;
use akscert_sim::source::{Format as Syntax, Source};
use akscert_sim::{output, render};
use clap::Args;

/// Options of `akscert report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Cluster facts (TOML, YAML or JSON; see docs/scenarios.md), or `az aks show -o json`
    /// output; `-` for stdin. Without a file, the facts come from the flags below.
    pub facts: Option<String>,
    /// Cluster name (with an `az aks list` file: which cluster).
    #[arg(long)]
    pub name: Option<String>,
    /// Resource group.
    #[arg(long)]
    pub resource_group: Option<String>,
    /// When the cluster was created.
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub created: Option<Instant>,
    /// Current control plane Kubernetes version.
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<KubernetesVersion>,
    /// Last control plane upgrade.
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub last_upgrade: Option<Instant>,
    /// Last successful `az aks rotate-certs`.
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub last_rotation: Option<Instant>,
    /// Stopped since this date.
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub stopped_since: Option<Instant>,
    /// Kubernetes RBAC is disabled.
    #[arg(long)]
    pub no_rbac: bool,
    /// TLS bootstrapping is disabled.
    #[arg(long)]
    pub no_tls_bootstrap: bool,
    /// A node pool: `NAME[,count=N][,mode=System|User][,os=Linux|Windows][,version=V]
    /// [,image=NODE_IMAGE][,snapshot=NODE_IMAGE][,upgraded=DATE][,reimaged=DATE]
    /// [,tag:KEY=VALUE]`. Repeat for each pool (default: nodepool1, 3 nodes).
    #[arg(long, value_name = "SPEC")]
    pub pool: Vec<String>,
    /// Someone holding a kubeconfig: `HOLDER[@DATE]` (fetched at DATE, default at creation).
    #[arg(long, value_name = "HOLDER[@DATE]")]
    pub kubeconfig: Vec<String>,
    /// Creation date for `az` JSON without one.
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub assume_created: Option<Instant>,
    #[command(flatten)]
    pub time: TimeOpts,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub engine: EngineOpts,
}

/// Run it.
pub fn run(a: &ReportArgs) -> ExitCode {
    cli::finish(report(a))
}

fn usage(m: impl Into<String>) -> CliError {
    CliError::Usage(m.into())
}

/// Where the cluster's facts come from.
enum Given {
    /// A file (facts, or `az` output the engine reads).
    File(Source),
    /// The flags.
    Flags(Box<ClusterFacts>),
}

fn report(a: &ReportArgs) -> Result<u8, CliError> {
    let now = a.time.now();
    // Usage errors first: they need no engine.
    let given = match &a.facts {
        Some(path) => {
            no_fact_flags(a)?;
            Given::File(Source::read(path)?)
        }
        None => Given::Flags(Box::new(from_flags(a)?)),
    };
    let engine = a.engine.load()?;
    let mut worker = engine.worker()?;
    // Without --now the report is for the wall clock's now.
    let now_name = if a.time.now.is_some() { "--now" } else { "now" };
    let (facts, notes, source) = match given {
        Given::File(source) => {
            let (facts, notes) = from_file(a, &source, now, &mut worker)?;
            (facts, notes, Some(source))
        }
        Given::Flags(facts) => (*facts, Vec::new(), None),
    };
    // A refusal of the facts' dates is the engine's (each date between creation and
    // `now`); it is worded with what the user wrote: the flag, or the file and line.
    let refused = |message: &str| -> CliError {
        let Err(ReportError::FactDate { field, date, bound }) = facts.check_dates(now) else {
            return usage(format!("{}: {message}", facts.name));
        };
        let name = |f: DateField| match &source {
            Some(source) => {
                let at = match f {
                    DateField::Cluster(key) => key.to_string(),
                    DateField::Pool(i, key) => format!("nodePools[{i}].{key}"),
                    DateField::Kubeconfig(i) => format!("kubeconfigs[{i}].fetched"),
                    DateField::Now => return now_name.to_string(),
                };
                match source.locate(&at) {
                    Some((line, col)) => format!("{}:{line}:{col}: {at}", source.name),
                    None => format!("{}: {at}", source.name),
                }
            }
            None => match f {
                DateField::Cluster(key) => flag_of(key).to_string(),
                DateField::Pool(i, key) => format!(
                    "--pool {} ({})",
                    a.pool.get(i).map_or("", String::as_str),
                    pool_key_of(key)
                ),
                DateField::Kubeconfig(i) => format!(
                    "--kubeconfig {}",
                    a.kubeconfig.get(i).map_or("", String::as_str)
                ),
                DateField::Now => now_name.to_string(),
            },
        };
        let Some(field) = DateField::of(&field) else {
            return usage(format!("{}: {message}", facts.name));
        };
        usage(match bound {
            DateBound::AfterNow(now) => format!(
                "{} {date} is after the time of the report ({} {now})",
                name(field),
                name(DateField::Now)
            ),
            DateBound::BeforeCreation(created) => format!(
                "{} {date} is before the cluster was created ({} {created})",
                name(field),
                name(DateField::Cluster("created"))
            ),
            // A bound this CLI does not know: the engine's own words.
            _ => format!("{}: {message}", facts.name),
        })
    };
    // One cluster as a fleet of one (`fleetReport`): the engine answers its report and
    // also decides its row — how urgent, what is due — and the verdict, which the CLI
    // prints and exits with rather than deciding them again.
    let name = facts.name.clone();
    let resource_group = facts.resource_group.clone();
    let req = FleetReportRequest {
        input: None,
        assume: AksAssumptions::default(),
        clusters: vec![facts.clone()],
        now,
        warn_within: a.time.warn_within,
        policy: Policy::default(),
    };
    let input = serde_json::to_string(&req).unwrap_or_default();
    let answer = match worker.call(Op::FleetReport, &input) {
        Ok(Ok(json)) => json,
        Ok(Err(doc)) => return Err(refused(&doc.error.message)),
        Err(fault) => return Err(usage(format!("{name}: {}", fault.message))),
    };
    let doc: FleetReport = serde_json::from_str(&answer).map_err(|e| {
        usage(format!(
            "{name}: the engine's answer is not a FleetReport document: {e}"
        ))
    })?;
    let verdict = doc.verdict;
    let Some(FleetEntry {
        mut row, report, ..
    }) = doc.clusters.into_iter().next()
    else {
        return Err(usage(format!(
            "{name}: the engine's fleet report has no cluster"
        )));
    };
    if let Some(failure) = &row.error {
        return Err(refused(&failure.message));
    }
    row.notes.clone_from(&notes);
    let outcome = ReportOutcome {
        index: 0,
        name,
        resource_group,
        // The report's JSON as the `report` operation writes it (the same type, written
        // again from what was read: byte for byte, as the engine tests check).
        report: report
            .as_ref()
            .and_then(|r| serde_json::value::to_raw_value(r).ok()),
        parsed: report,
        error: None,
        notes,
        row: Some(row),
    };
    let rendered = render::report(&outcome, a.output.format());
    output::write(a.output.output.as_deref(), &rendered.text)?;
    Ok(verdict.code())
}

/// A date of the facts, for naming it in an error as the user wrote it (a flag, or a
/// field of the file).
#[derive(Debug, Clone, Copy)]
enum DateField {
    /// A date of the cluster (`lastUpgrade` …), or `created`.
    Cluster(&'static str),
    /// A date of pool `i` (`created`, `lastUpgrade`, `lastReimage`).
    Pool(usize, &'static str),
    /// Kubeconfig `i`'s fetch date.
    Kubeconfig(usize),
    /// The report's `--now`.
    Now,
}

impl DateField {
    /// The date at `path` in the facts, as core's `ReportError::FactDate` names it
    /// (`lastUpgrade`, `nodePools[1].lastReimage`, `kubeconfigs[0].fetched`).
    fn of(path: &str) -> Option<DateField> {
        let key = |k: &str| {
            [
                "created",
                "lastUpgrade",
                "lastRotation",
                "stoppedSince",
                "lastReimage",
            ]
            .into_iter()
            .find(|&known| known == k)
        };
        if let Some(rest) = path.strip_prefix("nodePools[") {
            let (i, k) = rest.split_once("].")?;
            return Some(DateField::Pool(i.parse().ok()?, key(k)?));
        }
        if let Some(rest) = path.strip_prefix("kubeconfigs[") {
            let i = rest.strip_suffix("].fetched")?;
            return Some(DateField::Kubeconfig(i.parse().ok()?));
        }
        key(path).map(DateField::Cluster)
    }
}

/// The flag that sets a cluster date.
fn flag_of(key: &str) -> &'static str {
    match key {
        "created" => "--created",
        "lastUpgrade" => "--last-upgrade",
        "lastRotation" => "--last-rotation",
        _ => "--stopped-since",
    }
}

/// The `--pool` key that sets a pool date.
fn pool_key_of(key: &str) -> &'static str {
    match key {
        "created" => "created=",
        "lastUpgrade" => "upgraded=",
        _ => "reimaged=",
    }
}

/// With a facts file, the flags that describe a cluster must be absent.
fn no_fact_flags(a: &ReportArgs) -> Result<(), CliError> {
    let flags = a.resource_group.is_some()
        || a.created.is_some()
        || a.kubernetes_version.is_some()
        || a.last_upgrade.is_some()
        || a.last_rotation.is_some()
        || a.stopped_since.is_some()
        || a.no_rbac
        || a.no_tls_bootstrap
        || !a.pool.is_empty()
        || !a.kubeconfig.is_empty();
    if flags {
        return Err(usage(
            "give the cluster's facts either in a file or as flags, not both (--name may pick a cluster from an az list)",
        ));
    }
    Ok(())
}

/// The facts in a file: cluster facts (they have `nodePools`), or `az aks show|list -o
/// json` output read by the engine (`--name` picks a cluster of a list).
fn from_file(
    a: &ReportArgs,
    source: &Source,
    now: Instant,
    worker: &mut Worker,
) -> Result<(ClusterFacts, Vec<String>), CliError> {
    if source.format == Syntax::Json {
        let value: serde_json::Value = source.parse()?;
        if value.get("nodePools").is_none() {
            let assume = AksAssumptions {
                created: a.assume_created,
                last_upgrade: None,
            };
            match inventory::read(worker, &value, assume, now) {
                Ok(inventory) => {
                    inventory::print_notes(&source.name, &inventory.notes);
                    return pick(a, source, inventory.entries);
                }
                // Not az output: read as cluster facts, whose errors point into the file.
                Err(InventoryError::NotAzOutput(_)) => {}
                Err(e) => return Err(usage(format!("{}: {e}", source.name))),
            }
        }
    }
    Ok((source.parse_with_header("ClusterFacts")?, Vec::new()))
}

/// The one cluster of an az list that `--name` names (or the only one).
fn pick(
    a: &ReportArgs,
    source: &Source,
    entries: Vec<InventoryEntry>,
) -> Result<(ClusterFacts, Vec<String>), CliError> {
    let picked: Vec<_> = match &a.name {
        Some(n) => entries.into_iter().filter(|e| &e.name == n).collect(),
        None => entries,
    };
    let [entry] = <[_; 1]>::try_from(picked).map_err(|v| {
        usage(format!(
            "{}: {} clusters match; pick one with --name, or use `akscert fleet` for all",
            source.name,
            v.len()
        ))
    })?;
    let facts = entry
        .facts
        .map_err(|f| usage(format!("{}: {}", source.name, f.message)))?;
    Ok((facts, entry.notes))
}

fn from_flags(a: &ReportArgs) -> Result<ClusterFacts, CliError> {
    let missing = |flag: &str| usage(format!("without a facts file, {flag} is required"));
    let mut facts = serde_json::json!({
        "name": a.name.clone().ok_or_else(|| missing("--name"))?,
        "resourceGroup": a.resource_group.clone().ok_or_else(|| missing("--resource-group"))?,
        "created": a.created.ok_or_else(|| missing("--created"))?,
        "kubernetesVersion": a.kubernetes_version.ok_or_else(|| missing("--kubernetes-version"))?,
        "rbac": !a.no_rbac,
        "tlsBootstrap": !a.no_tls_bootstrap,
        "nodePools": [],
    });
    let optional = [
        ("lastUpgrade", a.last_upgrade),
        ("lastRotation", a.last_rotation),
        ("stoppedSince", a.stopped_since),
    ];
    for (key, value) in optional {
        if let Some(v) = value {
            facts[key] = serde_json::json!(v);
        }
    }
    let specs = if a.pool.is_empty() {
        vec!["nodepool1".to_string()]
    } else {
        a.pool.clone()
    };
    let pools: Vec<PoolFacts> = specs.iter().map(|s| pool(s)).collect::<Result<_, _>>()?;
    facts["nodePools"] = serde_json::to_value(pools).unwrap_or_default();
    let holders: Vec<KubeconfigHolder> = a
        .kubeconfig
        .iter()
        .map(|k| {
            let (holder, fetched) = match k.split_once('@') {
                Some((h, _)) if h.trim().is_empty() => {
                    return Err(usage(format!(
                        "--kubeconfig {k}: who holds it? Give a name before the @ (e.g. alice@2024-01-01)"
                    )));
                }
                Some((h, d)) => (
                    h,
                    Some(parse_instant(d).map_err(|e| usage(format!("--kubeconfig {k}: {e}")))?),
                ),
                None if k.trim().is_empty() => {
                    return Err(usage(
                        "--kubeconfig: empty; give who holds it (e.g. alice or alice@2024-01-01)",
                    ));
                }
                None => (k.as_str(), None),
            };
            Ok(KubeconfigHolder {
                holder: holder.to_string(),
                fetched,
                admin: false,
            })
        })
        .collect::<Result<_, CliError>>()?;
    facts["kubeconfigs"] = serde_json::to_value(holders).unwrap_or_default();
    serde_json::from_value(facts).map_err(|e| usage(format!("cluster facts from the flags: {e}")))
}

/// `NAME[,key=value…]` as a node pool.
fn pool(spec: &str) -> Result<PoolFacts, CliError> {
    let mut parts = spec.split(',');
    let name = parts.next().unwrap_or("").trim();
    if name.is_empty() {
        return Err(usage(format!(
            "--pool '{spec}': the spec starts with the pool's name (e.g. --pool nodepool1,count=3)"
        )));
    }
    let mut pool = serde_json::json!({ "name": name, "tags": {} });
    for part in parts {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| usage(format!("--pool {spec}: `{part}` is not key=value")))?;
        let key = key.trim();
        if let Some(tag) = key.strip_prefix("tag:") {
            pool["tags"][tag] = serde_json::json!(value);
            continue;
        }
        let field = match key {
            "count" => {
                let n: u32 = value.parse().map_err(|_| {
                    usage(format!("--pool {spec}: count `{value}` is not a number"))
                })?;
                pool["count"] = serde_json::json!(n);
                continue;
            }
            "mode" => "mode",
            "os" => "os",
            "version" => "kubernetesVersion",
            "image" => "nodeImage",
            "snapshot" => "snapshot",
            "created" => "created",
            "upgraded" => "lastUpgrade",
            "reimaged" => "lastReimage",
            other => {
                return Err(usage(format!(
                    "--pool {spec}: unknown key `{other}` (count, mode, os, version, image, snapshot, created, upgraded, reimaged, tag:KEY)"
                )));
            }
        };
        pool[field] = serde_json::json!(value);
    }
    serde_json::from_value(pool).map_err(|e| usage(format!("--pool {spec}: {e}")))
}
