//! The rules that turn `az aks` JSON into report facts, one behaviour per test.

use serde_json::json;

use super::*;

fn t(s: &str) -> Instant {
    Instant::parse(s).expect("test instant")
}

const NOW: &str = "2026-11-28T00:00:00Z";

/// `aksFacts` on `input` with `assume`, at [`NOW`].
fn run(input: Value, assume: AksAssumptions) -> AksFacts {
    aks_facts(&AksFactsRequest {
        input,
        assume,
        now: t(NOW),
        policy: Policy::default(),
    })
    .expect("a cluster list")
}

/// The only entry of `aksFacts` on one cluster.
fn one(cluster: Value, assume: AksAssumptions) -> AksFactsEntry {
    let mut doc = run(cluster, assume);
    assert_eq!(doc.clusters.len(), 1, "{doc:?}");
    doc.clusters.remove(0)
}

fn facts(e: &AksFactsEntry) -> &ClusterFacts {
    e.facts
        .as_ref()
        .unwrap_or_else(|| panic!("no facts: {:?}", e.error))
}

fn kind(e: &AksFactsEntry) -> &str {
    e.error.as_ref().map_or("", |x| x.kind.as_str())
}

/// A cluster as `az aks list -o json` prints it, shaped like `examples/az-aks-list.json`.
fn shop_prod() -> Value {
    json!({
        "id": "/subscriptions/0/resourcegroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/shop-prod",
        "name": "shop-prod",
        "resourceGroup": "rg-shop",
        "tags": { "env": "prod" },
        "systemData": { "createdAt": "2020-05-12T08:30:00Z", "lastModifiedAt": "2025-11-03T10:00:00Z" },
        "provisioningState": "Succeeded",
        "powerState": { "code": "Running" },
        "kubernetesVersion": "1.29.7",
        "currentKubernetesVersion": "1.29.7",
        "enableRbac": true,
        "agentPoolProfiles": [
            { "name": "system", "mode": "System", "count": 3, "osType": "Linux",
              "orchestratorVersion": "1.29.7", "currentOrchestratorVersion": "1.29.7",
              "nodeImageVersion": "AKSUbuntu-2204gen2containerd-202510.03.0", "tags": null },
            { "name": "win", "mode": "User", "count": 2, "osType": "Windows",
              "orchestratorVersion": "1.29.7",
              "nodeImageVersion": "AKSWindows-2022-containerd-20348.2340.240313",
              "tags": { "team": "x" } }
        ]
    })
}

/// `v` with the value at `path` (object keys, or array positions as numbers) set.
fn with(mut v: Value, path: &[&str], value: Value) -> Value {
    fn step<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
        match key.parse::<usize>() {
            Ok(i) if v.is_array() => &mut v[i],
            _ => &mut v[key],
        }
    }
    let mut at = &mut v;
    for key in path {
        at = step(at, key);
    }
    *at = value;
    v
}

#[test]
fn az_list_output_maps_to_report_facts() {
    let e = one(shop_prod(), AksAssumptions::default());
    assert_eq!(e.index, 0);
    assert_eq!(e.name.as_deref(), Some("shop-prod"));
    assert_eq!(e.resource_group.as_deref(), Some("rg-shop"));
    let f = facts(&e);
    assert_eq!(f.created, t("2020-05-12T08:30:00Z"), "systemData.createdAt");
    assert_eq!(
        f.kubernetes_version,
        KubernetesVersion::parse("1.29.7").unwrap()
    );
    assert!(f.rbac && f.tls_bootstrap);
    assert_eq!(f.stopped_since, None);
    assert_eq!(f.last_rotation, None);
    let [system, win] = &f.node_pools[..] else {
        panic!("{:?}", f.node_pools)
    };
    assert_eq!(
        (
            system.spec.name.as_str(),
            system.spec.mode,
            system.spec.os,
            system.spec.count
        ),
        ("system", Some(PoolMode::System), Os::Linux, 3)
    );
    assert_eq!(
        system
            .spec
            .node_image
            .as_ref()
            .map(NodeImageVersion::as_str),
        Some("AKSUbuntu-2204gen2containerd-202510.03.0")
    );
    assert!(system.spec.tags.is_empty(), "`tags: null` is no tags");
    assert_eq!(
        (win.spec.mode, win.spec.os, win.spec.count),
        (Some(PoolMode::User), Os::Windows, 2)
    );
    assert_eq!(
        win.spec.kubernetes_version,
        Some(KubernetesVersion::parse("1.29.7").unwrap()),
        "orchestratorVersion when there is no currentOrchestratorVersion"
    );
    assert_eq!(win.spec.tags.get("team").map(String::as_str), Some("x"));
}

#[test]
fn a_cluster_created_before_the_autorotation_cutoff_on_1_24_or_later_was_upgraded_on_1_24s_release()
{
    let e = one(shop_prod(), AksAssumptions::default());
    assert_eq!(facts(&e).last_upgrade, Some(t("2022-05-03")));
    assert_eq!(
        e.notes,
        [
            "runs Kubernetes 1.29.7 but was created 2020-05-12: upgraded since 1.24 came out, assumed on 2022-05-03 (tag akscert-last-upgrade=DATE for the real date)"
        ]
    );
    // Created in March 2022: still before the policy's autorotation cutoff (April 2022),
    // so running 1.24 means it was upgraded into autorotation.
    let march = with(
        shop_prod(),
        &["systemData", "createdAt"],
        json!("2022-03-15"),
    );
    let e = one(march, AksAssumptions::default());
    assert_eq!(
        facts(&e).last_upgrade,
        Some(t("2022-05-03")),
        "{:?}",
        e.notes
    );
    // Created at the cutoff or later: nothing to infer.
    let later = with(
        shop_prod(),
        &["systemData", "createdAt"],
        json!("2022-04-01"),
    );
    let e = one(later, AksAssumptions::default());
    assert_eq!(facts(&e).last_upgrade, None);
    assert!(e.notes.is_empty(), "{:?}", e.notes);
    // Still on 1.23: it may never have been upgraded.
    let old = with(shop_prod(), &["currentKubernetesVersion"], json!("1.23.12"));
    assert_eq!(
        facts(&one(old, AksAssumptions::default())).last_upgrade,
        None
    );
}

#[test]
fn the_last_upgrade_tag_beats_the_assumption_which_beats_the_inference() {
    let assume = AksAssumptions {
        last_upgrade: Some(t("2023-02-01")),
        ..AksAssumptions::default()
    };
    let e = one(shop_prod(), assume);
    assert_eq!(facts(&e).last_upgrade, Some(t("2023-02-01")));
    assert_eq!(
        e.notes,
        ["last upgrade assumed: 2023-02-01 (not in the JSON)"]
    );
    let tagged = with(
        shop_prod(),
        &["tags", "AKSCERT-LAST-UPGRADE"],
        json!("2024-07-09"),
    );
    let e = one(tagged, assume);
    assert_eq!(
        facts(&e).last_upgrade,
        Some(t("2024-07-09")),
        "tag names ignore case"
    );
    assert!(e.notes.is_empty(), "{:?}", e.notes);
}

#[test]
fn creation_comes_from_the_tag_then_system_data_then_the_assumption() {
    let tagged = with(
        shop_prod(),
        &["tags", "akscert-created"],
        json!("2019-01-02"),
    );
    assert_eq!(
        facts(&one(tagged, AksAssumptions::default())).created,
        t("2019-01-02")
    );
    let mut bare = shop_prod();
    bare.as_object_mut().unwrap().remove("systemData");
    let e = one(bare.clone(), AksAssumptions::default());
    assert_eq!(kind(&e), "missingCreationDate");
    let message = &e.error.as_ref().unwrap().message;
    assert!(
        message.starts_with("cluster `shop-prod`: the JSON gives no creation date"),
        "{message}"
    );
    assert!(message.contains("akscert-created=DATE"), "{message}");
    assert_eq!(
        e.name.as_deref(),
        Some("shop-prod"),
        "the entry still names it"
    );
    let assume = AksAssumptions {
        created: Some(t("2022-05-13")),
        ..AksAssumptions::default()
    };
    let e = one(bare, assume);
    assert_eq!(facts(&e).created, t("2022-05-13"));
    assert_eq!(
        e.notes,
        ["creation date assumed: 2022-05-13 (not in the JSON)"]
    );
}

#[test]
fn the_last_rotation_comes_from_its_tag() {
    let tagged = with(
        shop_prod(),
        &["tags", "akscert-last-rotation"],
        json!("2025-03-04T05:06:07Z"),
    );
    assert_eq!(
        facts(&one(tagged, AksAssumptions::default())).last_rotation,
        Some(t("2025-03-04T05:06:07Z"))
    );
}

#[test]
fn a_date_tag_that_is_not_a_date_is_an_error_naming_the_tag() {
    let tagged = with(
        shop_prod(),
        &["tags", "akscert-created"],
        json!("last spring"),
    );
    let e = one(tagged, AksAssumptions::default());
    assert_eq!(kind(&e), "badDate");
    let message = &e.error.as_ref().unwrap().message;
    assert!(
        message.starts_with(
            "cluster `shop-prod`: tag akscert-created: `last spring` is not a date-time"
        ),
        "{message}"
    );
    let bad = with(
        shop_prod(),
        &["systemData", "createdAt"],
        json!("yesterday"),
    );
    let e = one(bad, AksAssumptions::default());
    assert!(
        e.error
            .unwrap()
            .message
            .contains("systemData.createdAt: `yesterday`"),
        "the field is named"
    );
}

#[test]
fn a_stopped_cluster_is_stopped_since_its_last_modification_or_else_since_now() {
    let stopped = with(shop_prod(), &["powerState", "code"], json!("Stopped"));
    let e = one(stopped.clone(), AksAssumptions::default());
    assert_eq!(facts(&e).stopped_since, Some(t("2025-11-03T10:00:00Z")));
    assert!(
        e.notes
            .contains(&"stopped; assumed since its last modification, 2025-11-03".to_string()),
        "{:?}",
        e.notes
    );
    // A modification before creation cannot be the stop.
    let odd = with(
        stopped.clone(),
        &["systemData", "lastModifiedAt"],
        json!("2019-01-01"),
    );
    let e = one(odd, AksAssumptions::default());
    assert_eq!(facts(&e).stopped_since, Some(t(NOW)));
    assert!(
        e.notes
            .contains(&"stopped; since when is unknown, assumed since now".to_string())
    );
    let mut unknown = stopped;
    unknown["systemData"]
        .as_object_mut()
        .unwrap()
        .remove("lastModifiedAt");
    assert_eq!(
        facts(&one(unknown, AksAssumptions::default())).stopped_since,
        Some(t(NOW))
    );
}

#[test]
fn rotation_states_are_noted() {
    let rotating = with(
        shop_prod(),
        &["provisioningState"],
        json!("RotatingClusterCertificates"),
    );
    let e = one(rotating, AksAssumptions::default());
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("a rotate-certs run is in progress"))
    );
    let failed = with(shop_prod(), &["provisioningState"], json!("Failed"));
    let e = one(failed, AksAssumptions::default());
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("run `az aks rotate-certs` again"))
    );
    assert!(e.facts.is_some(), "a note, not an error");
}

#[test]
fn rbac_off_is_read_in_both_spellings() {
    let off = with(shop_prod(), &["enableRbac"], json!(false));
    assert!(!facts(&one(off, AksAssumptions::default())).rbac);
    let mut arm = shop_prod();
    arm.as_object_mut().unwrap().remove("enableRbac");
    let arm = with(arm, &["enableRBAC"], json!(false));
    assert!(!facts(&one(arm, AksAssumptions::default())).rbac);
}

#[test]
fn node_pool_snapshots_images_and_counts_are_read_or_noted() {
    let mut c = shop_prod();
    c["agentPoolProfiles"][0]["creationData"] = json!({ "sourceResourceId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/snapshots/s1" });
    c["agentPoolProfiles"][1]["nodeImageVersion"] = json!("not-an-image");
    c["agentPoolProfiles"][1]
        .as_object_mut()
        .unwrap()
        .remove("count");
    let e = one(c, AksAssumptions::default());
    let f = facts(&e);
    assert_eq!(
        f.node_pools[0].spec.snapshot,
        f.node_pools[0].spec.node_image
    );
    assert!(f.node_pools[0].spec.snapshot.is_some());
    assert_eq!(f.node_pools[1].spec.node_image, None);
    assert_eq!(f.node_pools[1].spec.count, 0);
    for expected in [
        "node pool system was created from a snapshot; its node image AKSUbuntu-2204gen2containerd-202510.03.0 is taken as the snapshot's",
        "node pool win: no count in the JSON; assumed 0 nodes",
    ] {
        assert!(e.notes.iter().any(|n| n == expected), "{:?}", e.notes);
    }
    // A count that is there but no node count is said to be so, not "no count".
    for (given, shown) in [
        (json!(-5), "-5"),
        (json!(1e20), "1e+20"),
        (json!("three"), "\"three\""),
    ] {
        let mut c = shop_prod();
        c["agentPoolProfiles"][1]["count"] = given;
        let e = one(c, AksAssumptions::default());
        assert_eq!(facts(&e).node_pools[1].spec.count, 0);
        let expected = format!(
            "node pool win: count {shown} in the JSON is not a node count (a whole number, 0 or more); assumed 0 nodes"
        );
        assert!(e.notes.contains(&expected), "{:?}", e.notes);
    }
    assert!(
        e.notes
            .iter()
            .any(|n| n.starts_with("node pool win: ") && n.ends_with("; node image ignored")),
        "{:?}",
        e.notes
    );
}

#[test]
fn each_missing_or_bad_field_is_its_own_error_kind() {
    let cases: [(Value, &str, &str); 7] = [
        (
            with(shop_prod(), &["name"], json!(null)),
            "missingName",
            "the entry has no `name`",
        ),
        (
            {
                let mut c = shop_prod();
                let o = c.as_object_mut().unwrap();
                o.remove("resourceGroup");
                o.remove("id");
                c
            },
            "missingResourceGroup",
            "cluster `shop-prod`: neither `resourceGroup` nor an `id` naming one",
        ),
        (
            {
                let mut c = shop_prod();
                let o = c.as_object_mut().unwrap();
                o.remove("kubernetesVersion");
                o.remove("currentKubernetesVersion");
                c
            },
            "missingKubernetesVersion",
            "cluster `shop-prod`: no kubernetesVersion",
        ),
        (
            with(shop_prod(), &["currentKubernetesVersion"], json!("latest")),
            "badKubernetesVersion",
            "cluster `shop-prod`: kubernetesVersion: `latest` is not a Kubernetes version",
        ),
        (
            with(shop_prod(), &["agentPoolProfiles", "1", "name"], json!("")),
            "badNodePool",
            "cluster `shop-prod`: node pool #1 has no name",
        ),
        (
            with(
                shop_prod(),
                &["agentPoolProfiles", "0", "currentOrchestratorVersion"],
                json!("1.x"),
            ),
            "badNodePool",
            "cluster `shop-prod` node pool `system`: `1.x` is not a Kubernetes version",
        ),
        (
            with(
                shop_prod(),
                &["systemData", "createdAt"],
                json!("2027-01-01"),
            ),
            "createdAfterNow",
            "cluster `shop-prod` was created 2027-01-01, after now (2026-11-28)",
        ),
    ];
    for (cluster, expected_kind, message) in cases {
        let e = one(cluster, AksAssumptions::default());
        assert_eq!(kind(&e), expected_kind, "{e:?}");
        let got = &e.error.as_ref().unwrap().message;
        assert!(got.starts_with(message), "{got} / {message}");
        assert_eq!(e.facts, None);
    }
}

#[test]
fn the_resource_group_falls_back_to_the_one_in_the_id() {
    let mut c = shop_prod();
    c.as_object_mut().unwrap().remove("resourceGroup");
    let e = one(c, AksAssumptions::default());
    assert_eq!(e.resource_group.as_deref(), Some("rg-shop"));
    assert_eq!(facts(&e).resource_group, "rg-shop");
}

#[test]
fn arm_bodies_lists_and_text_give_the_same_facts() {
    // The ARM form: state under `properties`, no `resourceGroup`.
    let mut arm = shop_prod();
    let o = arm.as_object_mut().unwrap();
    o.remove("resourceGroup");
    let mut props = serde_json::Map::new();
    for key in [
        "provisioningState",
        "powerState",
        "kubernetesVersion",
        "currentKubernetesVersion",
        "enableRbac",
        "agentPoolProfiles",
    ] {
        props.insert(key.into(), o.remove(key).unwrap());
    }
    o.insert("properties".into(), Value::Object(props));
    let flat = run(json!([shop_prod()]), AksAssumptions::default());
    let listed = run(json!({ "value": [arm.clone()] }), AksAssumptions::default());
    assert_eq!(flat.clusters, listed.clusters);
    let text = run(
        Value::String(format!("\u{feff}{}", json!({ "value": [arm] }))),
        AksAssumptions::default(),
    );
    assert_eq!(text, listed, "text and document inputs agree");
    assert_eq!(text.api_version, "akscert/v1");
    assert_eq!(text.kind, "AksFacts");
}

#[test]
fn list_items_that_are_not_clusters_are_skipped_and_noted() {
    let doc = run(
        json!([{ "hello": "world" }, shop_prod(), 5]),
        AksAssumptions::default(),
    );
    assert_eq!(doc.clusters.len(), 1);
    assert_eq!(
        doc.clusters[0].index, 0,
        "indexes count clusters, like inspect's"
    );
    assert_eq!(
        doc.notes,
        [
            "item 0 of the list is not an AKS cluster (no agentPoolProfiles or kubernetesVersion); skipped",
            "item 2 of the list is not an AKS cluster (no agentPoolProfiles or kubernetesVersion); skipped",
        ]
    );
    let empty = run(json!([]), AksAssumptions::default());
    assert!(
        empty.clusters.is_empty() && empty.notes.is_empty(),
        "an empty subscription"
    );
}

#[test]
fn input_that_is_no_cluster_list_is_refused_with_what_it_is() {
    let req = |input: Value| AksFactsRequest {
        input,
        assume: AksAssumptions::default(),
        now: t(NOW),
        policy: Policy::default(),
    };
    let e = aks_facts(&req(json!("{\n  \"value\": [,]\n}"))).unwrap_err();
    assert!(
        matches!(&e, AksInputError::Json(InspectError::Json { line: 2, .. })),
        "{e:?}"
    );
    assert!(
        e.to_string().starts_with("`input`: JSON at line 2, column"),
        "{e}"
    );
    let e = aks_facts(&req(json!({ "kind": "Scenario", "clusters": [] }))).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "`input` holds no AKS cluster: it is a JSON object with neither `agentPoolProfiles`"
        ),
        "{e}"
    );
    let e = aks_facts(&req(json!("42"))).unwrap_err();
    assert!(e.to_string().contains("it is a JSON number"), "{e}");
}
