//! The operation table: every operation's name, ABI number and the build that answers
//! it — what `call` dispatches on, the host ABI numbers and the JS face lists.

/// The operations of the API: each has a stable camelCase name (what `call` takes) and a
/// stable ABI number (what the C-style host ABI and the CLI's wasm engine pass). Numbers
/// are append-only: a new operation gets the next one, and none is ever reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
#[non_exhaustive]
pub enum Op {
    /// `version`: the API version, the core's version and the operations.
    Version = 1,
    /// `policy`: the AKS policy defaults, or overrides applied to them.
    Policy = 2,
    /// `simulate`: a what-if scenario's timeline and summary.
    Simulate = 3,
    /// `simulateCluster`: one cluster of a fleet, run on its own.
    SimulateCluster = 4,
    /// `report`: one cluster's expiry report.
    Report = 5,
    /// `whatIf`: a cluster's report before and after operations from `now` on.
    WhatIf = 6,
    /// `inspect`: one input — certificates, a kubeconfig, a check command's output.
    Inspect = 7,
    /// `inspectSet`: several named inputs, with trust checks across them.
    InspectSet = 8,
    /// `checkTrust`: does a CA certificate verify a certificate?
    CheckTrust = 9,
    /// `aksFacts`: `az aks show|list -o json` as cluster facts.
    AksFacts = 10,
    /// `inspectBundle`: `inspect`'s certificates as compact columns (the batch face).
    InspectBundle = 11,
    /// `fleetReport`: a fleet's clusters (az JSON or cluster facts) → most urgent first.
    FleetReport = 12,
    /// `openScenario`: validate a scenario and hold it for `simulateOpenCluster` (in a
    /// [`Session`](super::Session); without one, only the check).
    OpenScenario = 13,
    /// `simulateOpenCluster`: one cluster of the open scenario, by index.
    SimulateOpenCluster = 14,
    /// `foldCluster`: a simulated fleet's totals with one more cluster, and that
    /// cluster's places in the fleet's orders (its row, its open actions). The host ABI's
    /// only: it takes a packed input, never JSON.
    FoldCluster = 15,
}

impl Op {
    /// Every operation, in ABI number order.
    pub const ALL: [Op; 15] = [
        Op::Version,
        Op::Policy,
        Op::Simulate,
        Op::SimulateCluster,
        Op::Report,
        Op::WhatIf,
        Op::Inspect,
        Op::InspectSet,
        Op::CheckTrust,
        Op::AksFacts,
        Op::InspectBundle,
        Op::FleetReport,
        Op::OpenScenario,
        Op::SimulateOpenCluster,
        Op::FoldCluster,
    ];

    /// The name `call` takes.
    pub const fn name(self) -> &'static str {
        match self {
            Op::Version => "version",
            Op::Policy => "policy",
            Op::Simulate => "simulate",
            Op::SimulateCluster => "simulateCluster",
            Op::Report => "report",
            Op::WhatIf => "whatIf",
            Op::Inspect => "inspect",
            Op::InspectSet => "inspectSet",
            Op::CheckTrust => "checkTrust",
            Op::AksFacts => "aksFacts",
            Op::InspectBundle => "inspectBundle",
            Op::FleetReport => "fleetReport",
            Op::OpenScenario => "openScenario",
            Op::SimulateOpenCluster => "simulateOpenCluster",
            Op::FoldCluster => "foldCluster",
        }
    }

    /// The ABI number.
    pub const fn abi(self) -> u32 {
        self as u32
    }

    /// The operation named `name`.
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }

    /// The operation with ABI number `number`.
    pub fn from_abi(number: u32) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.abi() == number)
    }

    /// Whether this build answers the operation. The simulator's operations
    /// ([`Capability::Simulator`]) need the `simulate` feature, signature checks
    /// (`inspectSet`, `checkTrust`) the `verify` feature and `az aks` JSON read as facts
    /// (`aksFacts`, `fleetReport`) the `tool-output` feature; every other operation is in
    /// every build.
    pub const fn available(self) -> bool {
        match self.needs() {
            Some(capability) => capability.in_this_build(),
            None => true,
        }
    }

    /// The capability beyond the calculator's that the operation needs, if any.
    pub const fn needs(self) -> Option<Capability> {
        match self {
            Op::Simulate
            | Op::SimulateCluster
            | Op::OpenScenario
            | Op::SimulateOpenCluster
            | Op::FoldCluster => Some(Capability::Simulator),
            Op::InspectSet | Op::CheckTrust => Some(Capability::Signatures),
            Op::AksFacts | Op::FleetReport => Some(Capability::ToolOutput),
            _ => None,
        }
    }

    /// The operations this build answers, in ABI number order.
    pub fn in_this_build() -> impl Iterator<Item = Op> {
        Op::ALL.into_iter().filter(|op| op.available())
    }

    /// Whether the host ABI takes the operation's input packed (postcard after
    /// [`PACKED_INPUT`](super::PACKED_INPUT)) as well as JSON: what the CLI sends for
    /// each cluster of a fleet.
    pub const fn takes_packed(self) -> bool {
        matches!(
            self,
            Op::OpenScenario | Op::SimulateOpenCluster | Op::FoldCluster
        )
    }

    /// The names of all operations, comma-separated (for messages).
    pub fn names() -> String {
        Op::ALL.map(Op::name).join(", ")
    }
}

/// What a WebAssembly module adds to the calculator's operations, so that a page
/// downloads only what it uses: the trust module is the calculator plus signatures and
/// tool output, the full module the calculator plus the simulator and tool output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Capability {
    /// Scenarios and the simulator (the `simulate` feature): the full module.
    Simulator,
    /// Signature and trust checks (the `verify` feature): the trust module.
    Signatures,
    /// Other tools' output and `az` JSON (the `tool-output` feature): inspected
    /// (kubeconfigs, `openssl`, `curl`, `kubeadm`, `kubectl`, `az vm run-command`, `az aks
    /// show|list`), and `az aks` JSON read as cluster facts (`aksFacts`, `fleetReport`). The
    /// calculator reads certificates only; the trust and full modules have it.
    ToolOutput,
}

impl Capability {
    /// The npm import of the module that has it.
    pub const fn module(self) -> &'static str {
        match self {
            Capability::Simulator => "akscert/full",
            Capability::Signatures => "akscert/trust",
            // Also in the trust module; the full module is the one a page loads anyway.
            Capability::ToolOutput => "akscert/full",
        }
    }

    /// Whether this build has it.
    pub const fn in_this_build(self) -> bool {
        match self {
            Capability::Simulator => cfg!(feature = "simulate"),
            Capability::Signatures => cfg!(feature = "verify"),
            Capability::ToolOutput => cfg!(feature = "tool-output"),
        }
    }
}

/// [`BUILD`] of a build with the simulator: the full module (`akscert/full`), which the
/// CLI runs; native builds, which also check signatures, say it too.
pub const FULL_BUILD: &str = "full";

/// [`BUILD`] of the trust module (`akscert/trust`): the calculator plus signature checks
/// and tool output.
pub const TRUST_BUILD: &str = "trust";

/// [`BUILD`] of the build a page needs at first paint: no simulator, no signature checks, no
/// tool output.
pub const CALCULATOR_BUILD: &str = "calculator";

/// Which build of the model this is: [`FULL_BUILD`], [`TRUST_BUILD`] or
/// [`CALCULATOR_BUILD`].
pub const BUILD: &str = if cfg!(feature = "simulate") {
    FULL_BUILD
} else if cfg!(feature = "verify") {
    TRUST_BUILD
} else {
    CALCULATOR_BUILD
};

impl core::fmt::Display for Op {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
