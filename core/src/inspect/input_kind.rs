//! What kind of input an inspection read, and which builds read it.

use serde::Serialize;

/// What kind of input was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum InputKind {
    /// One or more PEM blocks, possibly with surrounding text.
    Pem,
    /// Binary DER.
    Der,
    /// Base64 of DER (or of PEM text, as kubeconfig data fields hold).
    Base64,
    /// A kubeconfig file.
    Kubeconfig,
    /// `openssl x509 -text` (whole, or the `grep -A2 Validity` excerpt).
    OpensslText,
    /// `openssl x509 -noout -enddate | -startdate | -dates` (and `-subject`/`-issuer`).
    OpensslDates,
    /// `curl -v` output.
    Curl,
    /// `az vm|vmss run-command invoke` output (full JSON, the message string, or -o tsv).
    AzRunCommand,
    /// `kubectl get csr`.
    KubectlCsr,
    /// `kubectl get nodes` (with `-L` label columns).
    KubectlNodes,
    /// `kubeadm certs check-expiration`.
    KubeadmCheckExpiration,
    /// `az aks show -o json` / `az aks list -o json` (or the ARM body).
    AksCluster,
    /// An ARM long-running-operation status body.
    ArmOperation,
}

// Read by the names `name` gives, in `ALL`'s order.
crate::variant_de::read_variants! {
    InputKind, all: InputKind::ALL, name: InputKind::name
}

impl InputKind {
    /// Every kind, in declaration order.
    pub const ALL: [InputKind; 13] = [
        InputKind::Pem,
        InputKind::Der,
        InputKind::Base64,
        InputKind::Kubeconfig,
        InputKind::OpensslText,
        InputKind::OpensslDates,
        InputKind::Curl,
        InputKind::AzRunCommand,
        InputKind::KubectlCsr,
        InputKind::KubectlNodes,
        InputKind::KubeadmCheckExpiration,
        InputKind::AksCluster,
        InputKind::ArmOperation,
    ];

    /// The name a request's `kind` and an inspection's `inputKind` use (`opensslText`).
    pub const fn name(self) -> &'static str {
        match self {
            InputKind::Pem => "pem",
            InputKind::Der => "der",
            InputKind::Base64 => "base64",
            InputKind::Kubeconfig => "kubeconfig",
            InputKind::OpensslText => "opensslText",
            InputKind::OpensslDates => "opensslDates",
            InputKind::Curl => "curl",
            InputKind::AzRunCommand => "azRunCommand",
            InputKind::KubectlCsr => "kubectlCsr",
            InputKind::KubectlNodes => "kubectlNodes",
            InputKind::KubeadmCheckExpiration => "kubeadmCheckExpiration",
            InputKind::AksCluster => "aksCluster",
            InputKind::ArmOperation => "armOperation",
        }
    }

    /// Whether it is another tool's output (`openssl`, `curl`, `kubeadm`, `kubectl`, the
    /// kubeconfig `az aks get-credentials` writes) or `az` JSON rather than certificates:
    /// read only by builds with the `tool-output` feature (every native build, the trust and
    /// full modules; not the calculator module a page loads at first paint, where the
    /// kubeconfig reader and its YAML subset were 14 KB of 177 KB gzip).
    pub const fn is_tool_output(self) -> bool {
        !matches!(self, InputKind::Pem | InputKind::Der | InputKind::Base64)
    }

    /// Whether this build reads it.
    pub const fn available(self) -> bool {
        cfg!(feature = "tool-output") || !self.is_tool_output()
    }

    /// The kinds every build reads, for messages: `pem, der and base64`.
    pub fn read_by_every_build() -> String {
        let names: Vec<&str> = InputKind::ALL
            .iter()
            .filter(|k| !k.is_tool_output())
            .map(|k| k.name())
            .collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.concat(),
        }
    }
}
