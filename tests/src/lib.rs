//! Helpers shared by the cross-crate tests in `tests/tests/`: the corpus location, a
//! driver that records every event of a cluster, and date helpers.
//!
//! The corpus of real data (`../shared/corpus` beside the workspace, or `$AKSCERT_CORPUS`)
//! is not part of the repository. Tests that need it call [`corpus_dir`], which says on
//! stderr exactly why they are skipped when it is absent.

/// Set-up without root (`npm ci`) and the log of skipped parts.
pub mod setup;
/// Fixtures for the simulator tests (`sim/tests/sim_*.rs`).
pub mod sim;
/// The workspace's own source files, for tests that read the code.
pub mod sources;

use std::path::PathBuf;
use std::sync::Arc;

use akscert_core::cluster::{
    Cluster, ClusterSpec, Event, EventKind, NodePoolSpec, Operation, PoolMode, Rejection, Tracked,
};
use akscert_core::inventory::CertRole;
use akscert_core::time::Instant;
use akscert_core::{KubernetesVersion, Policy};

/// The corpus directory, or `None` (with the reason printed to stderr) when absent.
pub fn corpus_dir() -> Option<PathBuf> {
    let (dir, how) = match std::env::var_os("AKSCERT_CORPUS") {
        Some(p) => (PathBuf::from(p), "$AKSCERT_CORPUS"),
        None => (
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
            "<workspace root>/../shared/corpus",
        ),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        // Written to stderr directly: libtest captures `eprintln!` of a passing test, and
        // a user whose clone has no corpus should see that (and why) tests were skipped.
        let binary = std::env::args()
            .next()
            .and_then(|a| PathBuf::from(a).file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default();
        // `corpus_limbo-6f33baf5aa70d0ff` → `corpus_limbo`.
        let binary = binary.rsplit_once('-').map_or(&*binary, |(name, _)| name);
        setup::skipped(
            &format!("{binary}'s corpus tests"),
            &format!(
                "{how} = {} is not a directory (set AKSCERT_CORPUS to the shared corpus to run them)",
                dir.display()
            ),
        );
    });
    None
}

/// Every file under the corpus directory `dir`, sorted by path; the SOURCES.md files (which
/// say where the data came from) are left out.
pub fn corpus_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "SOURCES.md") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// An instant from RFC 3339 or a date; panics on a typo in a test.
pub fn at(text: &str) -> Instant {
    Instant::parse(text).unwrap_or_else(|e| panic!("bad test date {text}: {e}"))
}

/// A Kubernetes version; panics on a typo in a test.
pub fn v(text: &str) -> KubernetesVersion {
    KubernetesVersion::parse(text).unwrap_or_else(|e| panic!("bad test version {text}: {e}"))
}

/// A cluster with one System pool `nodepool1` of 3 Linux nodes.
pub fn spec(name: &str, created: &str, version: &str) -> ClusterSpec {
    ClusterSpec {
        name: name.into(),
        resource_group: format!("rg-{name}"),
        created: at(created),
        kubernetes_version: v(version),
        rbac: true,
        tls_bootstrap: true,
        node_pools: vec![pool("nodepool1", PoolMode::System, 3)],
    }
}

/// A Linux pool.
pub fn pool(name: &str, mode: PoolMode, count: u32) -> NodePoolSpec {
    NodePoolSpec {
        name: name.into(),
        mode: Some(mode),
        os: Default::default(),
        count,
        kubernetes_version: None,
        node_image: None,
        snapshot: None,
        tags: Default::default(),
    }
}

/// A cluster plus every event it has emitted, for assertions.
pub struct Sim {
    /// The machine.
    pub cluster: Cluster,
    /// Every event so far.
    pub events: Vec<Event>,
}

impl Sim {
    /// Create with the default policy and seed 1.
    pub fn new(spec: ClusterSpec) -> Sim {
        Sim::with_policy(spec, Policy::default())
    }

    /// Create with a policy.
    pub fn with_policy(spec: ClusterSpec, policy: Policy) -> Sim {
        let cluster = Cluster::create(spec, Arc::new(policy), 1).expect("valid test cluster");
        let mut s = Sim {
            cluster,
            events: Vec::new(),
        };
        s.drain();
        s
    }

    fn drain(&mut self) {
        while let Some(e) = self.cluster.poll_event() {
            self.events.push(e);
        }
    }

    /// Apply an operation at `when`.
    pub fn op(&mut self, when: &str, op: Operation) -> Result<(), Rejection> {
        let r = self
            .cluster
            .handle_operation(at(when), op)
            .expect("time moves forward");
        self.drain();
        r
    }

    /// Apply an operation and let it complete (advance past its end).
    pub fn done(&mut self, when: &str, op: Operation) {
        self.op(when, op).expect("operation accepted");
        // Other deadlines (expiries, renewals) may fall before the operation's end.
        while !self.cluster.provisioning_state().is_terminal() {
            let t = self
                .cluster
                .poll_timeout()
                .expect("a running operation has a deadline");
            self.cluster
                .handle_timeout(t.at)
                .expect("time moves forward");
            self.drain();
        }
    }

    /// Let time pass until `when`.
    pub fn wait(&mut self, when: &str) {
        self.cluster
            .handle_timeout(at(when))
            .expect("time moves forward");
        self.drain();
    }

    /// The control plane certificate of `role`.
    pub fn cp(&self, role: CertRole) -> &Tracked {
        self.cluster
            .control_plane()
            .iter()
            .find(|t| t.cert.role == role)
            .expect("every control plane role exists")
    }

    /// A node pool.
    pub fn pool(&self, name: &str) -> &akscert_core::cluster::NodePool {
        self.cluster
            .node_pools()
            .iter()
            .find(|p| p.name == name)
            .expect("pool exists")
    }

    /// Events matching a predicate.
    pub fn find<'a>(
        &'a self,
        f: impl Fn(&EventKind) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Event> + 'a {
        self.events.iter().filter(move |e| f(&e.kind))
    }
}

/// `rotateCerts` with a fixed outcome and duration.
pub fn rotate(succeed: bool, minutes: i64) -> Operation {
    Operation::RotateCerts {
        outcome: Some(if succeed {
            akscert_core::cluster::RotateOutcome::Succeed
        } else {
            akscert_core::cluster::RotateOutcome::Fail
        }),
        duration: Some(akscert_core::time::Duration::minutes(minutes)),
    }
}

/// `getCredentials` for `holder`.
pub fn get_credentials(holder: &str, overwrite: bool) -> Operation {
    Operation::GetCredentials {
        holder: holder.into(),
        overwrite_existing: overwrite,
        admin: false,
    }
}

/// `upgrade` of the whole cluster.
pub fn upgrade(version: &str) -> Operation {
    Operation::Upgrade {
        kubernetes_version: Some(v(version)),
        control_plane_only: false,
    }
}

/// Standard base64 with padding, for building kubeconfigs and base64 inputs in tests
/// (kept here so the tests do not need a base64 dependency of their own).
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
        }
        for _ in chunk.len()..3 {
            out.push('=');
        }
    }
    out
}
