//! Every sentence the model prints that states an AKS rule — a lifetime, the
//! autorotation point and cutoff, the kubelet's renewal window, how long AKS keeps a
//! stopped cluster, rotate-certs' downtime bound, the KSCR version floor, label, opt-out
//! tag and its retirement — built from a [`Policy`]. Reports, timelines, what-ifs and
//! inspections all word rules through here, so an overridden policy reads true and no
//! number is written down twice.

use crate::policy::Policy;
use crate::time::{Duration, Instant};

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// A fraction as a whole percentage: `0.8` → `80%`.
pub fn percent(fraction: f64) -> String {
    format!("{}%", (fraction * 100.0).round() as i64)
}

/// A number as JSON writes it (`1.5`, `2.0`, `1e+20`): the shortest text that reads back
/// as the same value, in the notation of the documents the number came from (written by
/// the JSON writer, whose float printer the modules link anyway: 1 KB less than std's).
pub fn number(x: f64) -> String {
    crate::json_ser::to_string(&x).unwrap_or_else(|_| "a non-finite number".into())
}

/// A span in the largest whole unit that fits: `30 minutes`, `2 years`, `365 days`…
/// (years are 365 days, as AKS counts them).
pub fn span(d: Duration) -> String {
    let s = d.as_seconds();
    let (n, unit) = [(YEAR, "year"), (DAY, "day"), (3600, "hour"), (60, "minute")]
        .into_iter()
        .find(|(u, _)| s != 0 && s % u == 0)
        .map_or((s, "second"), |(u, name)| (s / u, name));
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A lifetime as an adjective: `30-year`, `365-day`.
pub fn lifetime(d: Duration) -> String {
    span(d).trim_end_matches('s').replace(' ', "-")
}

/// `between 70% and 90% of its validity`.
pub fn kubelet_window(p: &Policy) -> String {
    format!(
        "between {} and {} of its validity",
        percent(p.kubelet_renewal_min),
        percent(p.kubelet_renewal_max)
    )
}

/// The report's note on estimated (kubelet-renewed) dates.
pub fn kubelet_estimate_note(p: &Policy) -> String {
    format!(
        "Kubelet-renewed certificates (marked estimated) renew at a random point {}; read the node's file for exact dates.",
        kubelet_window(p)
    )
}

/// When AKS certificate autorotation (and TLS bootstrapping on new or upgraded pools)
/// begins: a cutoff on the first of a month reads as the seed words it, `after March
/// 2022`; any other as `on or after 2022-06-15`.
pub fn autorotation_cutoff(p: &Policy) -> String {
    after(p.autorotation_after)
}

/// `after March 2022` for the first of April 2022, else `on or after <date>`.
fn after(t: Instant) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let date = t.date_string();
    let midnight = Instant::parse(&date).is_ok_and(|d| d == t);
    let mut parts = date.splitn(3, '-').map(|x| x.parse::<i64>().unwrap_or(0));
    let (y, m, d) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    if !(midnight && d == 1 && (1..=12).contains(&m)) {
        return format!("on or after {date}");
    }
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    format!("after {} {py}", MONTHS[(pm - 1) as usize])
}

/// The autorotation of a control plane certificate.
pub fn autorotates(p: &Policy) -> String {
    format!(
        "AKS autorotates it at {} of its validity, without downtime",
        percent(p.autorotation_fraction)
    )
}

/// What an inspected control plane certificate's autorotation depends on.
pub fn autorotation_condition(p: &Policy) -> String {
    format!(
        "the cluster was created or upgraded {}{}; otherwise only az aks rotate-certs renews it",
        autorotation_cutoff(p),
        needs(p.autorotation_requires_rbac, true)
    )
}

/// How an inspected autorotated certificate renews.
pub fn autorotation_hint(p: &Policy) -> String {
    format!(
        "AKS autorotation at {} of its validity",
        percent(p.autorotation_fraction)
    )
}

/// What an inspected kubelet client certificate's renewal depends on.
pub fn kubelet_client_condition(p: &Policy) -> String {
    format!(
        "the node pool was created or upgraded {} (TLS bootstrapping); older pools hold a static certificate only az aks rotate-certs renews",
        autorotation_cutoff(p)
    )
}

/// How an inspected kubelet-renewed certificate renews.
pub fn kubelet_hint(p: &Policy) -> String {
    format!(
        "the kubelet renews it at a random point {}",
        kubelet_window(p)
    )
}

fn needs(rbac: bool, tls: bool) -> &'static str {
    match (rbac, tls) {
        (true, true) => " with RBAC and TLS bootstrapping on",
        (false, true) => " with TLS bootstrapping on",
        (true, false) => " with RBAC on",
        (false, false) => "",
    }
}

/// Why certificates that autorotation or TLS bootstrapping would renew are renewed only
/// by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManualReason {
    /// The cluster has TLS bootstrapping off.
    TlsBootstrapOff,
    /// The cluster has Kubernetes RBAC off and the policy requires it.
    RbacOff,
    /// The cluster (for control plane certificates) or the pool (for a kubelet client
    /// certificate) was created before the cutoff and not upgraded since.
    NotUpgradedSinceCutoff {
        /// When it was created, where known.
        created: Option<Instant>,
    },
    /// The pool runs an older Kubernetes version than the control plane: it was not
    /// upgraded with it.
    PoolBehindControlPlane,
}

impl ManualReason {
    fn text(self, p: &Policy, what: &str) -> String {
        match self {
            ManualReason::TlsBootstrapOff => "TLS bootstrapping is off on the cluster".into(),
            ManualReason::RbacOff => "Kubernetes RBAC is off on the cluster".into(),
            ManualReason::NotUpgradedSinceCutoff { created } => format!(
                "{what} was not created or upgraded {}{}",
                autorotation_cutoff(p),
                created.map_or_else(String::new, |c| format!(" (created {})", c.date_string()))
            ),
            ManualReason::PoolBehindControlPlane => format!(
                "{what} runs an older Kubernetes version than the control plane, so it was not upgraded with it {}",
                autorotation_cutoff(p)
            ),
        }
    }
}

/// A control plane certificate that only a manual rotation (or an upgrade) renews.
pub fn autorotation_off(p: &Policy, why: ManualReason) -> String {
    format!(
        "autorotation is off ({}); only rotate-certs, or an upgrade, renews it",
        why.text(p, "the cluster")
    )
}

/// A pool's static kubelet client certificate.
pub fn static_kubelet_client(p: &Policy, why: ManualReason) -> String {
    format!(
        "a static client certificate (no TLS bootstrapping: {}); only rotate-certs replaces it",
        why.text(p, "the pool")
    )
}

/// The Cluster CA's row.
pub fn cluster_ca(p: &Policy, not_before: Instant) -> String {
    let life = if not_before < p.legacy_before {
        format!(
            "{} lifetime: issued before {}",
            lifetime(p.legacy_lifetime),
            p.legacy_before.date_string()
        )
    } else {
        format!("{} lifetime", lifetime(p.ca_lifetime))
    };
    format!(
        "the Cluster CA ({life}); only az aks rotate-certs replaces it, and AKS leaves that to you"
    )
}

/// The kubelet client certificate renewed through TLS bootstrapping.
pub fn kubelet_client_renewal(p: &Policy) -> String {
    format!(
        "the kubelet renews it through TLS bootstrapping {}",
        kubelet_window(p)
    )
}

/// The kubelet serving certificate with KSCR on.
pub fn kscr_on(p: &Policy) -> String {
    format!(
        "kubelet serving certificate rotation is on (nodes labelled {}): the kubelet renews it {}",
        p.kscr_label,
        kubelet_window(p)
    )
}

/// Why a pool has KSCR off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KscrOff {
    /// The pool carries the opt-out tag.
    OptedOut,
    /// The pool runs Kubernetes below the KSCR floor.
    BelowMinVersion,
    /// The cluster has RBAC off and the policy requires it.
    RbacOff,
    /// The pool's snapshot is of an image older than the floor.
    SnapshotTooOld,
    /// Not upgraded (or reimaged) since KSCR became available.
    NotUpgradedSinceAvailable,
}

/// The self-signed kubelet serving certificate of a pool with KSCR off.
pub fn self_signed_serving(p: &Policy, why: Option<KscrOff>) -> String {
    let why = match why {
        None => String::new(),
        Some(KscrOff::OptedOut) => format!(" (opted out by the tag {}=true)", p.kscr_opt_out_tag),
        Some(KscrOff::BelowMinVersion) => {
            format!(" (Kubernetes below {})", p.kscr_min_version)
        }
        Some(KscrOff::RbacOff) => " (Kubernetes RBAC is off)".into(),
        Some(KscrOff::SnapshotTooOld) => format!(
            " (the pool's snapshot is of a node image older than {})",
            p.kscr_snapshot_floor.as_str()
        ),
        Some(KscrOff::NotUpgradedSinceAvailable) => format!(
            " (the pool has not been upgraded since KSCR became available, {})",
            p.kscr_available_from.date_string()
        ),
    };
    format!(
        "self-signed by the node because kubelet serving certificate rotation is off{why}; a {} certificate regenerated only when nodes are reimaged",
        lifetime(p.self_signed_serving_lifetime)
    )
}

/// `up to 30 minutes of downtime`.
pub fn rotate_certs_downtime(p: &Policy) -> String {
    format!("up to {} of downtime", span(p.rotate_certs_max_downtime))
}

/// The open action of a stopped cluster.
pub fn stopped_retention(p: &Policy, since: Instant) -> String {
    format!(
        "the cluster has been stopped since {since}; AKS keeps a stopped cluster's state for up to {}",
        span(p.stopped_retention)
    )
}

/// A stopped cluster seen in `az aks` output.
pub fn stopped_cluster(p: &Policy, cluster: &str) -> String {
    if p.stopped_autorotation_includes_nodes {
        format!(
            "cluster {cluster} is stopped: AKS keeps a stopped cluster's state for up to {}",
            span(p.stopped_retention)
        )
    } else {
        format!(
            "cluster {cluster} is stopped: autorotation on a stopped cluster rotates only control-plane certificates; node pools must be recreated afterwards"
        )
    }
}

/// The action of a cluster without control plane autorotation.
pub fn enable_autorotation(p: &Policy) -> String {
    format!(
        "certificate autorotation is off (the cluster was created before {} and not upgraded since); an upgrade of the control plane and node pools turns it on",
        p.autorotation_after.date_string()
    )
}

/// The action of a pool left without TLS bootstrapping after the control plane gained
/// autorotation.
pub fn enable_pool_bootstrap(p: &Policy, pool: &str) -> String {
    format!(
        "node pool {pool} has not been upgraded {}: its kubelet client certificate is static and only rotate-certs renews it; upgrading the pool turns TLS bootstrapping on",
        autorotation_cutoff(p)
    )
}

/// A pool that carries the opt-out tag (inspection of `az aks` output).
pub fn opt_out_tagged(p: &Policy, pool: &str) -> String {
    format!(
        "node pool {pool} carries the tag {}=true (effective after a reimage; ignored by AKS from {})",
        p.kscr_opt_out_tag,
        p.kscr_opt_out_retired_from.date_string()
    )
}

/// The action of an opted-out pool before the opt-out retires.
pub fn opt_out_retires(p: &Policy, pool: &str) -> String {
    format!(
        "node pool {pool}: AKS ignores the {} tag from {}; the next reimage after that turns KSCR on and the serving certificate moves from /etc/kubernetes/certs/kubeletserver.crt to /var/lib/kubelet/pki/kubelet-server-current.pem",
        p.kscr_opt_out_tag,
        p.kscr_opt_out_retired_from.date_string()
    )
}

/// The label's key (`kubernetes.azure.com/kubelet-serving-ca`), for `kubectl -L`.
pub fn kscr_label_key(p: &Policy) -> &str {
    p.kscr_label
        .split_once('=')
        .map_or(p.kscr_label.as_str(), |(k, _)| k)
}

/// The label's value on a node with KSCR on (`cluster`).
pub fn kscr_label_value(p: &Policy) -> &str {
    p.kscr_label.split_once('=').map_or("", |(_, v)| v)
}

/// The column `kubectl get nodes -L <key>` prints the label under: the key's last path
/// segment in upper case (`KUBELET-SERVING-CA`).
pub fn kscr_label_column(p: &Policy) -> String {
    let key = kscr_label_key(p);
    key.rsplit('/').next().unwrap_or(key).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_lifetimes_use_the_largest_whole_unit() {
        assert_eq!(span(Duration::minutes(30)), "30 minutes");
        assert_eq!(span(Duration::days(365)), "1 year");
        assert_eq!(span(Duration::days(400)), "400 days");
        assert_eq!(span(Duration::seconds(61)), "61 seconds");
        assert_eq!(lifetime(Duration::days(10_950)), "30-year");
        assert_eq!(lifetime(Duration::days(730)), "2-year");
        assert_eq!(lifetime(Duration::days(30)), "30-day");
        assert_eq!(percent(0.8), "80%");
    }

    #[test]
    fn default_policy_reads_as_the_seed_does() {
        let p = Policy::default();
        assert_eq!(kubelet_window(&p), "between 70% and 90% of its validity");
        assert_eq!(rotate_certs_downtime(&p), "up to 30 minutes of downtime");
        assert_eq!(
            kscr_label_key(&p),
            "kubernetes.azure.com/kubelet-serving-ca"
        );
        assert_eq!(kscr_label_value(&p), "cluster");
        assert_eq!(kscr_label_column(&p), "KUBELET-SERVING-CA");
        assert_eq!(autorotation_cutoff(&p), "after March 2022");
        let january = Policy {
            autorotation_after: Instant::parse("2023-01-01").unwrap_or(Instant::MIN),
            ..Policy::default()
        };
        assert_eq!(autorotation_cutoff(&january), "after December 2022");
        let mid = Policy {
            autorotation_after: Instant::parse("2022-06-15").unwrap_or(Instant::MIN),
            ..Policy::default()
        };
        assert_eq!(autorotation_cutoff(&mid), "on or after 2022-06-15");
        assert!(self_signed_serving(&p, Some(KscrOff::BelowMinVersion)).contains("below 1.27"));
        let label = Policy {
            kscr_label: "example.com/serving=yes".into(),
            ..Policy::default()
        };
        assert_eq!(kscr_label_key(&label), "example.com/serving");
        assert_eq!(kscr_label_value(&label), "yes");
        assert_eq!(kscr_label_column(&label), "SERVING");
    }
}
