//! The serde output of inspection: versioned, camelCase, deterministic (Vec and VecMap only: key order).
//!
//! The top-level documents ([`Inspection`], [`InspectionSet`]) carry `apiVersion:
//! "akscert/v1"` and a `kind`; everything below them is plain data. Every optional field is
//! always present (as `null`) so that JSON consumers see one stable shape.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::classify::AksRole;
use super::error::InspectError;
use super::input_kind::InputKind;
use crate::VecMap;
use crate::time::{Duration, Instant};

pub use crate::document::API_VERSION;

/// How a certificate or date stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Valid, and not expiring within the warning window.
    Ok,
    /// Valid, but notAfter falls within the warning window.
    ExpiringSoon,
    /// notBefore is still in the future: clients reject it just like an expired one.
    NotYetValid,
    /// notAfter has passed.
    Expired,
    /// No date was available (e.g. curl reported a failure without printing dates).
    Unknown,
}

impl Status {
    /// From the validity period, `now` and the warning window. Bounds are inclusive
    /// (RFC 5280 §4.1.2.5): a certificate is still valid at exactly its notAfter second.
    pub fn at(
        not_before: Option<Instant>,
        not_after: Option<Instant>,
        now: Instant,
        warn_within: Duration,
    ) -> Status {
        if let Some(nb) = not_before
            && now < nb
        {
            return Status::NotYetValid;
        }
        match not_after {
            None => Status::Unknown,
            Some(na) if now > na => Status::Expired,
            Some(na) if now + warn_within >= na => Status::ExpiringSoon,
            Some(_) => Status::Ok,
        }
    }

    /// Whether a person should act (expired, expiring soon, or not yet valid).
    pub fn needs_attention(self) -> bool {
        matches!(
            self,
            Status::ExpiringSoon | Status::Expired | Status::NotYetValid
        )
    }
}

/// A distinguished name, rendered and picked apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NameInfo {
    /// The whole name in encoding order, `C=US, O=system:masters, CN=client`.
    pub dn: String,
    /// The (last) commonName, if any.
    pub cn: Option<String>,
    /// Every organizationName, in order.
    pub o: Vec<String>,
    /// Every organizationalUnitName, in order.
    pub ou: Vec<String>,
}

/// The subject public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyInfo {
    /// `RSA`, `EC`, `Ed25519`, `Ed448`, `DSA`, `RSASSA-PSS`, `X25519`, or the dotted OID.
    #[cfg_attr(feature = "tsify", tsify(type = "string"))]
    pub algorithm: Cow<'static, str>,
    /// Key size in bits (RSA modulus, DSA p, EC field size), when known.
    pub bits: Option<u32>,
    /// The named curve for EC keys (`P-256`, `P-384`, `P-521`, `P-224`, `secp256k1`, or OID).
    #[cfg_attr(feature = "tsify", tsify(type = "string | null"))]
    pub curve: Option<Cow<'static, str>>,
}

/// basicConstraints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BasicConstraintsInfo {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u8>,
    /// Whether the extension is marked critical.
    pub critical: bool,
}

/// subjectAltName entries by type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SanInfo {
    /// dNSName entries.
    pub dns: Vec<String>,
    /// iPAddress entries, printed as IPv4 dotted quads or RFC 5952 IPv6.
    pub ip: Vec<String>,
    /// rfc822Name entries.
    pub email: Vec<String>,
    /// uniformResourceIdentifier entries.
    pub uri: Vec<String>,
}

/// Everything inspection tells about one X.509 certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CertificateReport {
    /// Position in [`Inspection::certificates`].
    pub index: usize,
    /// Where in the input it was found (`PEM block 2 (line 31)`, `DER`, a kubeconfig field).
    pub location: String,
    /// Subject name.
    pub subject: NameInfo,
    /// Issuer name.
    pub issuer: NameInfo,
    /// X.509 version (1, 2 or 3).
    pub version: u8,
    /// Serial number as `openssl x509 -serial` prints it: upper-case hex of the magnitude,
    /// `-` first when negative.
    pub serial: String,
    /// Signature algorithm (`sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `Ed25519`, …).
    #[cfg_attr(feature = "tsify", tsify(type = "string"))]
    pub signature_algorithm: Cow<'static, str>,
    /// Subject public key.
    pub public_key: PublicKeyInfo,
    /// Start of validity.
    pub not_before: Instant,
    /// End of validity (inclusive).
    pub not_after: Instant,
    /// notAfter − notBefore (negative when notAfter precedes notBefore, `-5d`).
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    #[serde(deserialize_with = "crate::time::signed_duration")]
    pub lifetime: Duration,
    /// Whole days from `now` to notAfter (negative once expired).
    pub days_left: i64,
    /// Status at `now` with the warning window.
    pub status: Status,
    /// basicConstraints, if present.
    pub basic_constraints: Option<BasicConstraintsInfo>,
    /// Whether this is a CA certificate (basicConstraints cA).
    pub is_ca: bool,
    /// keyUsage bits by name (`digitalSignature`, `keyCertSign`, …); empty when absent.
    /// (`Cow`: the names are static text, so listing them allocates nothing.)
    #[cfg_attr(feature = "tsify", tsify(type = "string[]"))]
    pub key_usage: Vec<Cow<'static, str>>,
    /// extendedKeyUsage by name (`serverAuth`, `clientAuth`, or dotted OID).
    #[cfg_attr(feature = "tsify", tsify(type = "string[]"))]
    pub extended_key_usage: Vec<Cow<'static, str>>,
    /// subjectAltName.
    pub sans: SanInfo,
    /// subjectKeyIdentifier, colon-separated upper-case hex as OpenSSL prints it.
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, same format.
    pub authority_key_id: Option<String>,
    /// SHA-256 fingerprint of the DER, as `openssl x509 -fingerprint -sha256` prints it
    /// (without the `sha256 Fingerprint=` prefix).
    pub sha256_fingerprint: String,
    /// Issuer name equals subject name.
    pub self_issued: bool,
    /// Self-signed: issued by its own key. How this was decided is in `linkedBy`: with
    /// `signature`, its own key verifies its signature (`null` when the algorithm is
    /// unsupported or the signature-check limit was reached); with `nameAndKeyId`,
    /// issuer = subject and the authorityKeyIdentifier, when present, equals the
    /// subjectKeyIdentifier — a claim the certificate makes, not checked.
    pub self_signed: Option<bool>,
    /// How `selfSigned` and `issuedBy` were decided: `signature` when signatures were
    /// verified (`verify: true`), `nameAndKeyId` when only names and key identifiers were
    /// compared (the default; nothing was verified).
    pub linked_by: LinkedBy,
    /// Which AKS certificate this is.
    pub role: AksRole,
    /// Why it was classified so.
    pub role_reason: String,
    /// When and by what it is renewed next (from the role and AKS's policy); `null` when
    /// the role is unknown.
    pub next_rotation: Option<super::rotation::RotationHint>,
    /// Index of the certificate in the same inspection that issued this one, if any: with
    /// `linkedBy: signature`, the first whose key verifies this one's signature; with
    /// `nameAndKeyId`, the first whose subject is this one's issuer and whose
    /// subjectKeyIdentifier equals this one's authorityKeyIdentifier when both are present
    /// (not verified). `null` for a self-signed certificate.
    pub issued_by: Option<usize>,
    /// Whether the certificate is strict DER as RFC 5280 §4.1 defines it (what the
    /// `x509-cert` crate's parser accepts), as is.
    pub strict_der: bool,
    /// Defects found while reading (malformed extensions, non-DER encodings, RFC 5280
    /// rule violations). The certificate is still shown so its dates can be seen.
    pub warnings: Vec<String>,
}

/// How a certificate's `selfSigned` and `issuedBy` were decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum LinkedBy {
    /// Signatures were verified with the candidate issuer's key.
    Signature,
    /// Only names and key identifiers were compared; no signature was verified.
    NameAndKeyId,
}

/// Which tool printed a date that inspection read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub enum Tool {
    /// `openssl x509 -text`.
    OpensslText,
    /// `openssl x509 -noout -dates` and friends.
    OpensslDates,
    /// `curl -v`.
    Curl,
    /// `kubeadm certs check-expiration`.
    Kubeadm,
}

/// Validity facts read from a tool's text output (no certificate bytes available).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ValidityReport {
    /// Position in [`Inspection::validities`].
    pub index: usize,
    /// Where it was found (`line 12`, or `az run-command stdout, line 2`).
    pub location: String,
    /// Which tool printed it.
    pub tool: Tool,
    /// A name for the row when the tool gives one (kubeadm's `apiserver`, `admin.conf`).
    pub name: Option<String>,
    /// Subject as the tool printed it.
    pub subject: Option<String>,
    /// Issuer as the tool printed it.
    pub issuer: Option<String>,
    /// Serial as the tool printed it.
    pub serial: Option<String>,
    /// basicConstraints cA, when the tool printed it (`openssl x509 -text`).
    pub is_ca: Option<bool>,
    /// Start of validity.
    pub not_before: Option<Instant>,
    /// End of validity.
    pub not_after: Option<Instant>,
    /// Whole days from `now` to notAfter.
    pub days_left: Option<i64>,
    /// Status at `now`.
    pub status: Status,
    /// Which AKS certificate this is, as far as the printed fields tell.
    pub role: AksRole,
    /// Why.
    pub role_reason: String,
    /// When and by what it is renewed next (from the role and AKS's policy); `null` when
    /// the role is unknown.
    pub next_rotation: Option<super::rotation::RotationHint>,
    /// Other things the tool said about it (curl's verify result, kubeadm's CA column).
    pub detail: Option<String>,
    /// Oddities in the printed text (fractional seconds, …).
    pub warnings: Vec<String>,
}

/// A secret that was recognised and deliberately not shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RedactedSecret {
    /// `privateKey`, `token`, `password`.
    pub kind: String,
    /// Where it is (`PEM block 2 (line 30), label RSA PRIVATE KEY`, `user \`admin\` client-key-data`).
    pub location: String,
    /// Always `present (redacted)`.
    pub value: String,
}

impl RedactedSecret {
    pub(crate) fn new(kind: &str, location: String) -> RedactedSecret {
        RedactedSecret {
            kind: kind.to_string(),
            location,
            value: "present (redacted)".to_string(),
        }
    }
}

/// Part of the input that could not be read, while the rest could.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PartError {
    /// Where (`cluster \`x\` certificate-authority-data`).
    pub location: String,
    /// Why.
    pub error: InspectError,
    /// The same as a sentence.
    pub message: String,
}

/// A kubeconfig's clusters, users and contexts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigReport {
    /// `current-context`.
    pub current_context: Option<String>,
    /// `clusters[]`.
    pub clusters: Vec<KubeconfigCluster>,
    /// `users[]`.
    pub users: Vec<KubeconfigUser>,
    /// `contexts[]`.
    pub contexts: Vec<KubeconfigContext>,
}

/// One kubeconfig cluster entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigCluster {
    /// `name`.
    pub name: String,
    /// `cluster.server`.
    pub server: Option<String>,
    /// `cluster.tls-server-name`.
    pub tls_server_name: Option<String>,
    /// `cluster.insecure-skip-tls-verify`.
    pub insecure_skip_tls_verify: bool,
    /// `cluster.certificate-authority` (a file path; not read).
    pub certificate_authority_file: Option<String>,
    /// Indices into [`Inspection::certificates`] of the certificates in
    /// `certificate-authority-data`.
    pub ca_certificates: Vec<usize>,
    /// Why `certificate-authority-data` could not be read, if so.
    pub error: Option<String>,
}

/// One kubeconfig user entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigUser {
    /// `name`.
    pub name: String,
    /// Indices into [`Inspection::certificates`] of `client-certificate-data`.
    pub client_certificates: Vec<usize>,
    /// `client-certificate` (a file path; not read).
    pub client_certificate_file: Option<String>,
    /// Whether `client-key-data` is present (its value is never shown).
    pub client_key: Option<String>,
    /// Whether a `token` is present (never shown).
    pub token: Option<String>,
    /// Whether a `password` is present (never shown).
    pub password: Option<String>,
    /// `username`, which is not secret.
    pub username: Option<String>,
    /// `exec.command`, when the user authenticates through a plugin (kubelogin on AKS).
    pub exec_command: Option<String>,
    /// `auth-provider.name`.
    pub auth_provider: Option<String>,
    /// Why `client-certificate-data` could not be read, if so.
    pub error: Option<String>,
    /// Why kubectl cannot use `client-key-data` with the client certificate, in kubectl's
    /// words (`tls: private key does not match public key`); `null` when the key is the
    /// certificate's or one of them is missing. Never quotes the key.
    pub client_key_error: Option<String>,
}

/// One kubeconfig context entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct KubeconfigContext {
    /// `name`.
    pub name: String,
    /// `context.cluster`.
    pub cluster: Option<String>,
    /// `context.user`.
    pub user: Option<String>,
    /// `context.namespace`.
    pub namespace: Option<String>,
}

/// One row of `kubectl get csr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CsrRow {
    /// 1-based line.
    pub line: usize,
    /// NAME.
    pub name: String,
    /// AGE as printed.
    pub age: String,
    /// SIGNERNAME (`null` for `<none>` or when the column is absent).
    pub signer_name: Option<String>,
    /// REQUESTOR.
    pub requestor: String,
    /// REQUESTEDDURATION (`null` for `<none>`/`none` or when absent).
    pub requested_duration: Option<String>,
    /// CONDITION as printed (`Approved,Issued`, `Pending`, …).
    pub condition: String,
    /// Whether a certificate was issued (`Issued` in CONDITION).
    pub issued: bool,
    /// Set when this row needs a person: a kubelet-serving CSR that is not
    /// `Approved,Issued` (that signer is never auto-approved by kube-controller-manager).
    pub flag: Option<String>,
}

/// One row of `kubectl get nodes [-L …]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NodeRow {
    /// 1-based line.
    pub line: usize,
    /// NAME.
    pub name: String,
    /// STATUS.
    pub status: String,
    /// ROLES (`null` for `<none>`).
    pub roles: Option<String>,
    /// AGE.
    pub age: String,
    /// VERSION (kubelet).
    pub version: String,
    /// Node pool, from the AKS node name `aks-<pool>-<id>-vmss…` or an AGENTPOOL column.
    pub node_pool: Option<String>,
    /// Label columns by header (`KUBELET-SERVING-CA`, `AGENTPOOL`, …); empty cells are `""`.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
    pub labels: VecMap<String, String>,
    /// Whether kubelet serving certificate rotation is on (the policy's `kscrLabel`, by
    /// default `kubernetes.azure.com/kubelet-serving-ca=cluster`); `null` when that column
    /// was not requested.
    pub serving_rotation: Option<bool>,
}

/// One AKS node pool from `az aks show`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NodePoolFacts {
    /// `name`.
    pub name: String,
    /// `mode` (System/User).
    pub mode: Option<String>,
    /// `osType`.
    pub os_type: Option<String>,
    /// `osSku`.
    pub os_sku: Option<String>,
    /// `count`.
    pub count: Option<u64>,
    /// The JSON text of a `count` that is no node count (`-5`, `1e20`, `"three"`), so that
    /// the report can say so instead of "no count"; not part of the document.
    #[serde(skip)]
    pub(crate) count_given: Option<String>,
    /// `orchestratorVersion`.
    pub orchestrator_version: Option<String>,
    /// `currentOrchestratorVersion`.
    pub current_orchestrator_version: Option<String>,
    /// `nodeImageVersion`.
    pub node_image_version: Option<String>,
    /// `provisioningState`.
    pub provisioning_state: Option<String>,
    /// `powerState.code`.
    pub power_state: Option<String>,
    /// `creationData.sourceResourceId` (a node pool snapshot), if any.
    pub snapshot_id: Option<String>,
    /// `tags`.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
    pub tags: VecMap<String, String>,
    /// Whether the tag `aks-disable-kubelet-serving-certificate-rotation` is `true`
    /// (name and value compared case-insensitively, as AgentBaker does).
    pub kubelet_serving_rotation_opt_out: bool,
}

/// One AKS cluster as `az aks show` / `az aks list` print it, as inspection reads it (the
/// model's own input is [`crate::report::ClusterFacts`], built from this by `aksFacts`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "tsify",
    derive(tsify::Tsify),
    tsify(rename = "AksClusterFacts")
)]
#[serde(rename_all = "camelCase")]
pub struct AzCluster {
    /// `name`.
    pub name: Option<String>,
    /// `resourceGroup` (az output) or parsed from `id`.
    pub resource_group: Option<String>,
    /// `location`.
    pub location: Option<String>,
    /// `kubernetesVersion`.
    pub kubernetes_version: Option<String>,
    /// `currentKubernetesVersion`.
    pub current_kubernetes_version: Option<String>,
    /// `provisioningState`.
    pub provisioning_state: Option<String>,
    /// `powerState.code`.
    pub power_state: Option<String>,
    /// `enableRbac` / `enableRBAC`.
    pub enable_rbac: Option<bool>,
    /// `fqdn`.
    pub fqdn: Option<String>,
    /// `nodeResourceGroup`.
    pub node_resource_group: Option<String>,
    /// `tags`.
    #[cfg_attr(feature = "tsify", tsify(type = "Record<string, string>"))]
    pub tags: VecMap<String, String>,
    /// `agentPoolProfiles`.
    pub node_pools: Vec<NodePoolFacts>,
    /// Whether the body was the ARM form (`properties` nested) rather than az's flattened form.
    pub arm_form: bool,
    /// `systemData.createdAt`, as written (ARM bodies carry it; most `az` output does not).
    #[serde(default)]
    pub created_at: Option<String>,
    /// `systemData.lastModifiedAt`, as written.
    #[serde(default)]
    pub last_modified_at: Option<String>,
}

/// An ARM long-running-operation status (`az aks rotate-certs` polls these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct OperationStatus {
    /// `name` (the operation id).
    pub name: Option<String>,
    /// `status` (`InProgress`, `Succeeded`, `Failed`, `Canceled`).
    pub status: String,
    /// `startTime`.
    pub start_time: Option<Instant>,
    /// `endTime`.
    pub end_time: Option<Instant>,
    /// `error.code`, when present (ARM sets `NotLatestOperation` even on success).
    pub error_code: Option<String>,
}

/// `az vm|vmss run-command invoke` output, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct RunCommandReport {
    /// Which form was given: `json`, `message` (the `--query value[0].message` JSON string)
    /// or `tsv`.
    pub form: String,
    /// `code` (e.g. `ProvisioningState/succeeded`), when the full JSON was given.
    pub code: Option<String>,
    /// `displayStatus`.
    pub display_status: Option<String>,
    /// Whether the message started with `Enable succeeded` (which only means the
    /// extension ran: the script itself may still have failed).
    pub enable_succeeded: bool,
    /// Number of lines on the script's stdout.
    pub stdout_lines: usize,
    /// The script's stderr (private keys removed), when not empty.
    pub stderr: Option<String>,
    /// What the stdout was recognised as, if anything.
    pub stdout_kind: Option<InputKind>,
}

/// One check within a trust verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TrustCheckItem {
    /// `issuerName`, `keyIdentifier`, `signature`, `leafValidity`, `caValidity`,
    /// `basicConstraints`, `keyUsage`, `criticalExtensions`, `hostname`, `clientCertificate`.
    pub check: String,
    /// `true` passed, `false` failed, `null` not applicable or informational.
    pub ok: Option<bool>,
    /// What was compared and found.
    pub detail: String,
}

/// A reference to a certificate within an inspection set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CertRef {
    /// The input it came from.
    pub source: String,
    /// Index in that input's `certificates`.
    pub index: usize,
    /// Its subject.
    pub subject: String,
}

/// "Does this CA verify this certificate?", and, for a kubeconfig and an API server
/// certificate, "will this kubeconfig still work against this API server?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct TrustReport {
    /// `caVerifiesCertificate` or `kubeconfigAgainstServer`.
    pub kind: String,
    /// The trusted CA certificate.
    pub ca: CertRef,
    /// The certificate being verified (the API server's, for a kubeconfig check).
    pub certificate: CertRef,
    /// The kubeconfig cluster whose CA data was used.
    pub kubeconfig_cluster: Option<String>,
    /// That cluster's `server` URL.
    pub server: Option<String>,
    /// The verdict.
    pub trusted: bool,
    /// Each check.
    pub checks: Vec<TrustCheckItem>,
    /// What kubectl would print when the check fails.
    pub kubectl_error: Option<String>,
    /// The verdict as a sentence.
    pub verdict: String,
}

/// Counts over one inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Certificates plus tool-output validity rows.
    pub total: usize,
    /// How many are ok.
    pub ok: usize,
    /// How many expire within the window.
    pub expiring_soon: usize,
    /// How many have expired.
    pub expired: usize,
    /// How many are not yet valid.
    pub not_yet_valid: usize,
    /// How many have no date.
    pub unknown: usize,
    /// The earliest notAfter seen.
    pub earliest_not_after: Option<Instant>,
    /// Whether anything needs a person: an expired / expiring / not-yet-valid date, a
    /// flagged CSR, or a failed trust check.
    pub needs_attention: bool,
    /// Why, one sentence per item.
    pub attention: Vec<String>,
}

/// The result of inspecting one input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    /// Always [`API_VERSION`].
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: String,
    /// Always `Inspection`.
    #[serde(deserialize_with = "crate::document::inspection_kind")]
    pub kind: String,
    /// Name of the input (a file name, `-`, or `input`).
    pub source: String,
    /// What the input was recognised as.
    pub input_kind: InputKind,
    /// The instant statuses were computed at.
    pub now: Instant,
    /// The warning window.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Counts and the attention list.
    pub summary: Summary,
    /// X.509 certificates found.
    pub certificates: Vec<CertificateReport>,
    /// Validity facts read from tool output.
    // This and the other parts only tool output fills (only signature checks, for
    // `trust`) are written by `unfilled` in a build without those readers.
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::list")
    )]
    pub validities: Vec<ValidityReport>,
    /// The kubeconfig structure, when the input was one.
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::option")
    )]
    pub kubeconfig: Option<KubeconfigReport>,
    /// `kubectl get csr` rows.
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::list")
    )]
    pub csrs: Vec<CsrRow>,
    /// `kubectl get nodes` rows.
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::list")
    )]
    pub nodes: Vec<NodeRow>,
    /// AKS clusters from `az aks show/list`.
    #[cfg_attr(feature = "tsify", tsify(type = "AksClusterFacts[]"))]
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::list")
    )]
    pub clusters: Vec<AzCluster>,
    /// ARM operation statuses.
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::list")
    )]
    pub operations: Vec<OperationStatus>,
    /// `az … run-command invoke` framing, when the input was one.
    #[cfg_attr(
        not(feature = "tool-output"),
        serde(serialize_with = "super::unfilled::option")
    )]
    pub run_command: Option<RunCommandReport>,
    /// Trust checks between certificates of this input.
    #[cfg_attr(
        not(feature = "verify"),
        serde(serialize_with = "super::unfilled::list")
    )]
    pub trust: Vec<TrustReport>,
    /// Secrets recognised and not shown.
    pub secrets: Vec<RedactedSecret>,
    /// Parts that could not be read.
    pub errors: Vec<PartError>,
    /// Remarks about the input as a whole (skipped PEM blocks, ignored lines, …).
    pub notes: Vec<String>,
    /// The DER of each certificate, parallel to `certificates`; not serialised. Kept so
    /// that trust checks across inputs can verify signatures.
    #[serde(skip)]
    pub(crate) raw: Vec<Vec<u8>>,
}

impl Inspection {
    /// The DER bytes of certificate `index`.
    pub fn certificate_der(&self, index: usize) -> Option<&[u8]> {
        self.raw.get(index).map(Vec::as_slice)
    }
}

/// One input of a set: its name and either its inspection or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct SetItem {
    /// The input's name.
    pub source: String,
    /// The inspection, when the input could be read.
    pub inspection: Option<Inspection>,
    /// Why it could not be read.
    pub error: Option<PartError>,
}

/// Several inputs inspected together, with trust checks across them
/// (`akscert inspect kubeconfig apiserver.pem`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct InspectionSet {
    /// Always [`API_VERSION`].
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: String,
    /// Always `InspectionSet`.
    #[serde(deserialize_with = "crate::document::inspection_set_kind")]
    pub kind: String,
    /// The instant statuses were computed at.
    pub now: Instant,
    /// The warning window.
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// One per input, in the order given.
    pub items: Vec<SetItem>,
    /// Trust checks between certificates of different inputs.
    pub trust: Vec<TrustReport>,
    /// Counts over every item, plus cross-input trust failures.
    pub summary: Summary,
    /// Whether some input (or part of one) could not be read.
    pub unreadable: bool,
}
