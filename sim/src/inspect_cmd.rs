//! `akscert inspect FILE…|-`: read the files (this is the only place that does I/O and
//! reads the clock), hand the bytes to the engine's `inspectSet` (akscert-core built in, or
//! the package's trust module in wasmtime), print a table or JSON, and exit 0 (all well), 1
//! (something expired, expiring within `--warn-within`, not yet valid, a stuck
//! kubelet-serving CSR, or a failed trust check) or 2 (an input could not be read, or the
//! module could not be loaded or failed).

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use akscert_core::inspect::{
    self, CertificateReport, InspectError, InspectOptions, Inspection, InspectionSet, PartError,
    SetItem, Status, ValidityReport,
};
use akscert_core::{Duration, Instant, Policy, explain};
use akscert_sim::cli::{EngineKind, load_engine};
use akscert_sim::engine::GuestLimits;
use akscert_sim::engine::locate::ModuleKind;
use akscert_sim::render::name_of;
use anstyle::{AnsiColor, Style};
use clap::{Args, ValueEnum};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables for people.
    Human,
    /// The versioned JSON document (`apiVersion: akscert/v1`, `kind: InspectionSet`).
    Json,
}

/// Arguments of `akscert inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files to inspect; `-` reads standard input. Each may be PEM, DER, base64, a
    /// kubeconfig, or the output of openssl / curl -v / az run-command / kubectl / kubeadm /
    /// az aks show.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "human")]
    pub format: Format,
    /// Write to FILE instead of stdout, as `>` would (a regular file is replaced whole
    /// through a temporary file; links are followed; devices and FIFOs are written to).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The instant to judge at (RFC 3339 or a date); default: now.
    #[arg(long, value_name = "DATE", value_parser = parse_instant)]
    pub now: Option<Instant>,
    /// Warn about anything expiring within this window (e.g. 30d, 2w, 90d).
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse_duration)]
    pub warn_within: Duration,
    /// Also decide each certificate's selfSigned/issuedBy by verifying signatures (trust
    /// checks between certificates always verify).
    #[arg(long)]
    pub verify: bool,
    /// Engine: akscert-core built in (the default: inspecting needs no module), or the
    /// package's trust module in wasmtime (inspection with signature checks), which then
    /// decides everything.
    #[arg(long, value_enum, default_value = "native")]
    pub engine: EngineKind,
    /// The trust module to load with --engine wasm (default: $AKSCERT_TRUST_MODULE, next to
    /// this executable, or the checkout's target/npm/trust/akscert_trust_bg.wasm, built on
    /// first use).
    #[arg(long, value_name = "PATH")]
    pub module: Option<PathBuf>,
}

fn parse_instant(s: &str) -> Result<Instant, String> {
    Instant::parse(s).map_err(|e| e.to_string())
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    Duration::parse(s).map_err(|e| e.to_string())
}

/// Read at most one byte more than the limit, so a huge file is refused without being read.
fn read_limited(name: &str) -> Result<Vec<u8>, InspectError> {
    let limit = inspect::MAX_INSPECT_BYTES as u64;
    let mut buf = Vec::new();
    let result = if name == "-" {
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut buf)
    } else {
        std::fs::File::open(name).and_then(|f| f.take(limit + 1).read_to_end(&mut buf))
    };
    match result {
        Err(e) => Err(InspectError::Io {
            reason: e.to_string(),
        }),
        Ok(_) if buf.len() as u64 > limit => {
            // A regular file's size is known; a device or pipe (/dev/zero, stdin) was read
            // only up to the limit, so all that is known is that it is larger.
            match std::fs::metadata(name) {
                Ok(m) if name != "-" && m.is_file() => Err(InspectError::TooLarge {
                    size: usize::try_from(m.len()).unwrap_or(usize::MAX),
                    limit: inspect::MAX_INSPECT_BYTES,
                }),
                _ => Err(InspectError::Io {
                    reason: format!(
                        "it is larger than the {}-byte limit for one input",
                        inspect::MAX_INSPECT_BYTES
                    ),
                }),
            }
        }
        Ok(_) => Ok(buf),
    }
}

/// Run the subcommand.
pub fn run(args: &InspectArgs) -> ExitCode {
    let opts = InspectOptions {
        now: args.now.unwrap_or_else(akscert_sim::cli::wall_clock),
        warn_within: args.warn_within,
        verify: args.verify,
    };
    let mut read: Vec<(String, Vec<u8>)> = Vec::new();
    let mut io_errors: Vec<(usize, String, InspectError)> = Vec::new();
    for (i, name) in args.files.iter().enumerate() {
        let display = if name == "-" {
            "(stdin)".to_string()
        } else {
            name.clone()
        };
        match read_limited(name) {
            Ok(bytes) => read.push((display, bytes)),
            Err(e) => io_errors.push((i, display, e)),
        }
    }
    let inputs: Vec<(&str, &[u8])> = read
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let engine = load_engine(
        args.engine,
        ModuleKind::Trust,
        args.module.as_deref(),
        GuestLimits::default(),
    );
    let answer = engine
        .map_err(|e| e.to_string())
        .and_then(|e| e.worker().map_err(|e| e.to_string()))
        .and_then(|mut w| w.inspect_set(&inputs, &opts).map_err(|e| e.to_string()));
    let mut set = match answer {
        Ok(set) => set,
        Err(why) => {
            let _ = writeln!(anstream::stderr(), "{RED}akscert:{RED:#} {why}");
            return ExitCode::from(2);
        }
    };
    // Put unreadable files back in their command-line position.
    for (pos, name, e) in io_errors {
        let item = SetItem {
            source: name.clone(),
            inspection: None,
            error: Some(PartError {
                location: name,
                message: e.to_string(),
                error: e,
            }),
        };
        set.items.insert(pos.min(set.items.len()), item);
        set.unreadable = true;
    }
    let out = match args.format {
        Format::Json => serde_json::to_string_pretty(&set)
            .map(|s| s + "\n")
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}\n")),
        Format::Human => render_human(&set),
    };
    // Errors go to stderr, where scripts and people look for them; the report on stdout
    // still lists every input, readable or not.
    let mut stderr = anstream::stderr();
    for item in &set.items {
        if let Some(e) = &item.error {
            let _ = writeln!(
                stderr,
                "{RED}akscert:{RED:#} {}: {}",
                item.source, e.message
            );
        }
    }
    // As every command writes its report: styles only for a colour terminal, a closed
    // pipe (`| head`) is the reader's choice, `-o` behaves like `>`.
    if let Err(e) = akscert_sim::output::write(args.output.as_deref(), &out) {
        return akscert_sim::cli::finish(Err(e.into()));
    }
    if set.unreadable {
        ExitCode::from(2)
    } else if set.summary.needs_attention {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn status_style(s: Status) -> Style {
    match s {
        Status::Ok => Style::new().fg_color(Some(AnsiColor::Green.into())),
        Status::ExpiringSoon => Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold(),
        Status::Expired | Status::NotYetValid => {
            Style::new().fg_color(Some(AnsiColor::Red.into())).bold()
        }
        Status::Unknown => Style::new().dimmed(),
    }
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Ok => "ok",
        Status::ExpiringSoon => "EXPIRING",
        Status::Expired => "EXPIRED",
        Status::NotYetValid => "NOT YET VALID",
        Status::Unknown => "unknown",
    }
}

fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
const RED: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();

fn cert_row(out: &mut String, c: &CertificateReport) {
    let st = status_style(c.status);
    let _ = writeln!(
        out,
        "  {:>3}  {:<24} {:<34} {:<20} {:<20} {:>7}  {st}{}{st:#}",
        c.index,
        name_of(&c.role),
        cut(&c.subject.dn, 34),
        cut(&c.issuer.dn, 20),
        c.not_after,
        c.days_left,
        status_text(c.status)
    );
    let _ = writeln!(
        out,
        "       {DIM}{} | {} {} | serial {} | SHA-256 {}{DIM:#}",
        c.location,
        c.public_key.algorithm,
        c.public_key
            .bits
            .map_or_else(String::new, |b| b.to_string()),
        cut(&c.serial, 24),
        cut(&c.sha256_fingerprint, 23)
    );
    let _ = writeln!(out, "       why: {}", c.role_reason);
    if !c.sans.dns.is_empty() || !c.sans.ip.is_empty() {
        let mut sans: Vec<String> = c.sans.dns.iter().map(|d| format!("DNS:{d}")).collect();
        sans.extend(c.sans.ip.iter().map(|i| format!("IP:{i}")));
        let _ = writeln!(out, "       SANs: {}", cut(&sans.join(", "), 100));
    }
    for w in &c.warnings {
        let _ = writeln!(out, "       {RED}warning:{RED:#} {w}");
    }
}

fn validity_row(out: &mut String, v: &ValidityReport) {
    let st = status_style(v.status);
    let label = v
        .name
        .clone()
        .or_else(|| v.subject.clone())
        .unwrap_or_else(|| "(dates only)".into());
    let _ = writeln!(
        out,
        "  {:>3}  {:<24} {:<34} {:<20} {:<20} {:>7}  {st}{}{st:#}",
        v.index,
        name_of(&v.role),
        cut(&label, 34),
        cut(v.issuer.as_deref().unwrap_or(""), 20),
        v.not_after
            .map_or_else(|| "-".to_string(), |i| i.to_string()),
        v.days_left
            .map_or_else(|| "-".to_string(), |d| d.to_string()),
        status_text(v.status)
    );
    let _ = writeln!(
        out,
        "       {DIM}{} ({}){DIM:#}",
        v.location,
        name_of(&v.tool)
    );
    if let Some(d) = &v.detail {
        let _ = writeln!(out, "       {d}");
    }
    for w in &v.warnings {
        let _ = writeln!(out, "       {RED}warning:{RED:#} {w}");
    }
}

fn render_inspection(out: &mut String, i: &Inspection) {
    if !i.certificates.is_empty() || !i.validities.is_empty() {
        let _ = writeln!(
            out,
            "  {BOLD}{:>3}  {:<24} {:<34} {:<20} {:<20} {:>7}  STATUS{BOLD:#}",
            "#", "ROLE", "SUBJECT", "ISSUER", "NOT AFTER", "DAYS"
        );
    }
    for c in &i.certificates {
        cert_row(out, c);
    }
    for v in &i.validities {
        validity_row(out, v);
    }
    if let Some(kc) = &i.kubeconfig {
        let _ = writeln!(
            out,
            "  {BOLD}kubeconfig{BOLD:#} (current-context: {})",
            kc.current_context.as_deref().unwrap_or("-")
        );
        for c in &kc.clusters {
            let certs: Vec<String> = c.ca_certificates.iter().map(|x| format!("#{x}")).collect();
            let _ = writeln!(
                out,
                "    cluster {:<20} server {} CA {}{}",
                c.name,
                c.server.as_deref().unwrap_or("-"),
                if certs.is_empty() {
                    "-".to_string()
                } else {
                    certs.join(",")
                },
                c.error
                    .as_deref()
                    .map_or_else(String::new, |e| format!("  {RED}error:{RED:#} {e}"))
            );
        }
        for u in &kc.users {
            let certs: Vec<String> = u
                .client_certificates
                .iter()
                .map(|x| format!("#{x}"))
                .collect();
            let mut extra = Vec::new();
            if let Some(k) = &u.client_key {
                extra.push(format!("key {k}"));
            }
            if u.token.is_some() {
                extra.push("token present (redacted)".into());
            }
            if u.password.is_some() {
                extra.push("password present (redacted)".into());
            }
            if let Some(e) = &u.exec_command {
                extra.push(format!("exec {e}"));
            }
            let _ = writeln!(
                out,
                "    user    {:<20} cert {} {}{}",
                u.name,
                if certs.is_empty() {
                    "-".to_string()
                } else {
                    certs.join(",")
                },
                extra.join(", "),
                u.error
                    .as_deref()
                    .map_or_else(String::new, |e| format!("  {RED}error:{RED:#} {e}"))
            );
        }
        for c in &kc.contexts {
            let _ = writeln!(
                out,
                "    context {:<20} cluster {} user {}",
                c.name,
                c.cluster.as_deref().unwrap_or("-"),
                c.user.as_deref().unwrap_or("-")
            );
        }
    }
    if !i.csrs.is_empty() {
        let _ = writeln!(
            out,
            "  {BOLD}{:<28} {:<45} {:<30} CONDITION{BOLD:#}",
            "CSR", "SIGNER", "REQUESTOR"
        );
        for c in &i.csrs {
            let _ = writeln!(
                out,
                "  {:<28} {:<45} {:<30} {}",
                cut(&c.name, 28),
                c.signer_name.as_deref().unwrap_or("-"),
                cut(&c.requestor, 30),
                c.condition
            );
            if let Some(f) = &c.flag {
                let _ = writeln!(out, "       {RED}attention:{RED:#} {f}");
            }
        }
    }
    if !i.nodes.is_empty() {
        // The CLI inspects under AKS's defaults: the label is the default policy's.
        let policy = Policy::default();
        let _ = writeln!(
            out,
            "  {BOLD}{:<36} {:<10} {:<12} {:<10} SERVING-CERT-ROTATION{BOLD:#}",
            "NODE", "STATUS", "POOL", "VERSION"
        );
        for n in &i.nodes {
            let _ = writeln!(
                out,
                "  {:<36} {:<10} {:<12} {:<10} {}",
                n.name,
                n.status,
                n.node_pool.as_deref().unwrap_or("-"),
                n.version,
                match n.serving_rotation {
                    Some(true) => format!("on ({})", policy.kscr_label),
                    Some(false) => "off (self-signed serving certificate)".to_string(),
                    None => format!("not shown (add -L {})", explain::kscr_label_key(&policy)),
                }
            );
        }
    }
    for c in &i.clusters {
        let _ = writeln!(
            out,
            "  {BOLD}cluster{BOLD:#} {} (resource group {}): Kubernetes {}, provisioning {}, power {}, RBAC {}",
            c.name.as_deref().unwrap_or("-"),
            c.resource_group.as_deref().unwrap_or("-"),
            c.current_kubernetes_version
                .as_deref()
                .or(c.kubernetes_version.as_deref())
                .unwrap_or("-"),
            c.provisioning_state.as_deref().unwrap_or("-"),
            c.power_state.as_deref().unwrap_or("-"),
            c.enable_rbac.map_or("-", |r| if r { "on" } else { "off" })
        );
        for p in &c.node_pools {
            let _ = writeln!(
                out,
                "    pool {:<14} {} {} x{} Kubernetes {} image {}{}",
                p.name,
                p.mode.as_deref().unwrap_or("-"),
                p.os_type.as_deref().unwrap_or("-"),
                p.count.map_or_else(|| "-".to_string(), |c| c.to_string()),
                p.current_orchestrator_version
                    .as_deref()
                    .or(p.orchestrator_version.as_deref())
                    .unwrap_or("-"),
                p.node_image_version.as_deref().unwrap_or("-"),
                if p.snapshot_id.is_some() {
                    " (from a snapshot)"
                } else {
                    ""
                }
            );
        }
    }
    for o in &i.operations {
        let _ = writeln!(
            out,
            "  {BOLD}operation{BOLD:#} {}: {} (started {}, ended {})",
            o.name.as_deref().unwrap_or("-"),
            o.status,
            o.start_time.map_or_else(|| "-".into(), |t| t.to_string()),
            o.end_time.map_or_else(|| "-".into(), |t| t.to_string())
        );
    }
    if let Some(rc) = &i.run_command {
        let _ = writeln!(
            out,
            "  {BOLD}run-command{BOLD:#} ({} form): {} {} stdout lines{}",
            rc.form,
            if rc.enable_succeeded {
                "extension ran;"
            } else {
                ""
            },
            rc.stdout_lines,
            rc.stderr.as_deref().map_or_else(String::new, |e| format!(
                "; stderr:\n       {}",
                e.replace('\n', "\n       ")
            ))
        );
    }
    for s in &i.secrets {
        let _ = writeln!(out, "  secret: {} at {}: {}", s.kind, s.location, s.value);
    }
    for e in &i.errors {
        let _ = writeln!(
            out,
            "  {RED}unreadable:{RED:#} {}: {}",
            e.location, e.message
        );
    }
    for n in &i.notes {
        let _ = writeln!(out, "  note: {n}");
    }
}

fn render_human(set: &InspectionSet) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{DIM}at {} (warning window {}){DIM:#}",
        set.now, set.warn_within
    );
    for item in &set.items {
        match (&item.inspection, &item.error) {
            (Some(i), _) => {
                let _ = writeln!(
                    out,
                    "{BOLD}== {} ({}) =={BOLD:#}",
                    item.source,
                    name_of(&i.input_kind)
                );
                render_inspection(&mut out, i);
            }
            (None, Some(e)) => {
                let _ = writeln!(
                    out,
                    "{BOLD}== {} =={BOLD:#}\n  {RED}error:{RED:#} {}",
                    item.source, e.message
                );
            }
            (None, None) => {}
        }
    }
    let all_trust = set
        .items
        .iter()
        .filter_map(|i| i.inspection.as_ref())
        .flat_map(|i| i.trust.iter())
        .chain(set.trust.iter());
    for t in all_trust {
        let style = if t.trusted {
            status_style(Status::Ok)
        } else {
            RED
        };
        let _ = writeln!(
            out,
            "{BOLD}trust{BOLD:#} {}#{} → {}#{}: {style}{}{style:#}",
            t.ca.source, t.ca.index, t.certificate.source, t.certificate.index, t.verdict
        );
        for c in &t.checks {
            let mark = match c.ok {
                Some(true) => "ok  ",
                Some(false) => "FAIL",
                None => "--  ",
            };
            let _ = writeln!(out, "    {mark} {:<20} {}", c.check, c.detail);
        }
        if let Some(k) = &t.kubectl_error {
            let _ = writeln!(out, "    kubectl would print: {k}");
        }
    }
    let s = &set.summary;
    let _ = writeln!(
        out,
        "{BOLD}summary:{BOLD:#} {} dated item(s): {} ok, {} expiring within {}, {} expired, {} not yet valid{}",
        s.total,
        s.ok,
        s.expiring_soon,
        set.warn_within,
        s.expired,
        s.not_yet_valid,
        s.earliest_not_after
            .map_or_else(String::new, |e| format!("; earliest notAfter {e}"))
    );
    for a in &s.attention {
        let _ = writeln!(out, "  {RED}attention:{RED:#} {a}");
    }
    if set.unreadable {
        let _ = writeln!(out, "  {RED}some input could not be read{RED:#}");
    }
    out
}
