//! Each enum read by [`super::read_variants!`] against a mirror that keeps serde's derive:
//! the same variant or the same error at the same place, through core's JSON reader,
//! serde_json and postcard.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::json_de::tests::{each_edit, same_as_derive};

/// The derive's reading of each enum (the same names and attributes), for comparison only.
mod derived {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum Origin {
        Scheduled,
        Kubeconfig,
        FaultModel,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum OperationKind {
        Upgrade,
        NodePoolUpgrade,
        NodeImageUpgrade,
        Scale,
        Stop,
        Start,
        RotateCerts,
        AddNodePool,
        RecreateNodePool,
        SetTags,
        GetCredentials,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum RotateOutcome {
        Succeed,
        Fail,
    }

    #[derive(Debug, Deserialize)]
    pub enum PoolMode {
        System,
        User,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub enum InputKind {
        Pem,
        Der,
        Base64,
        Kubeconfig,
        OpensslText,
        OpensslDates,
        Curl,
        AzRunCommand,
        KubectlCsr,
        KubectlNodes,
        KubeadmCheckExpiration,
        AksCluster,
        ArmOperation,
    }

    #[derive(Debug, Deserialize)]
    pub enum Os {
        Linux,
        Windows,
    }
}

/// Every variant of `Ours` (listed by `all`) and the forms and errors around it, through
/// both JSON readers, every one-byte edit of a few, and postcard's index form.
fn check<Ours, Theirs>(all: &[Ours])
where
    Ours: DeserializeOwned + Serialize + Debug,
    Theirs: DeserializeOwned + Debug,
{
    for v in all {
        let name = serde_json::to_string(v).expect("a name");
        for text in [
            name.clone(),
            format!("{{{name}:null}}"),
            format!("{{{name}:1}}"),
            format!("{{{name}:null,\"x\":null}}"),
            format!(" {name} "),
        ] {
            same_as_derive::<Ours, Theirs>(&text);
        }
        // The variant's index, as postcard writes it, reads back as the same variant.
        #[cfg(feature = "simulate")]
        let bytes = postcard::to_allocvec(v).expect("postcard");
        #[cfg(feature = "simulate")]
        assert_eq!(
            postcard::from_bytes::<Ours>(&bytes).map(|x| format!("{x:?}")),
            postcard::from_bytes::<Theirs>(&bytes).map(|x| format!("{x:?}")),
            "postcard {bytes:?}"
        );
    }
    for text in [
        "\"nope\"",
        "\"\"",
        "7",
        "-1",
        "1.5",
        "null",
        "true",
        "[]",
        "{}",
        "{\"nope\":null}",
        "{1:null}",
        "",
        "\"pem",
    ] {
        same_as_derive::<Ours, Theirs>(text);
    }
    each_edit(
        &serde_json::to_string(&all[0]).expect("a name"),
        same_as_derive::<Ours, Theirs>,
    );
    // An index past the last variant.
    #[cfg(feature = "simulate")]
    for index in [all.len() as u8, 200] {
        let ours = postcard::from_bytes::<Ours>(&[index]).map(|x| format!("{x:?}"));
        let theirs = postcard::from_bytes::<Theirs>(&[index]).map(|x| format!("{x:?}"));
        assert_eq!(ours, theirs, "postcard index {index}");
    }
}

#[test]
fn each_enum_reads_as_the_derive_reads_it() {
    use crate::cluster::event::Origin;
    use crate::cluster::operation::{OperationKind, RotateOutcome};
    use crate::cluster::spec::PoolMode;
    use crate::inspect::InputKind;
    use crate::inventory::Os;
    check::<Origin, derived::Origin>(&[Origin::Scheduled, Origin::Kubeconfig, Origin::FaultModel]);
    check::<OperationKind, derived::OperationKind>(&OperationKind::ALL);
    check::<RotateOutcome, derived::RotateOutcome>(&[RotateOutcome::Succeed, RotateOutcome::Fail]);
    check::<PoolMode, derived::PoolMode>(&[PoolMode::System, PoolMode::User]);
    check::<InputKind, derived::InputKind>(&InputKind::ALL);
    check::<Os, derived::Os>(&[Os::Linux, Os::Windows]);
}
