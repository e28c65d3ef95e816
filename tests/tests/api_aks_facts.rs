//! `aksFacts` through the versioned JSON API on real `az aks` bodies (the shared corpus's
//! azure-cli recordings and ARM example) and on the bundled `az aks list` example: the
//! facts each cluster yields, the error a cluster without a creation date gets, the same
//! clusters in the same order as `inspect` lists them, and reports made from the facts.

#![allow(clippy::unwrap_used)]

use akscert_core::api;
use akscert_tests::corpus_dir;
use serde_json::{Value, json};

const NOW: &str = "2026-11-28T00:00:00Z";

fn aks_facts(input: &str, assume: Value) -> Value {
    let request = json!({ "input": input, "assume": assume, "now": NOW }).to_string();
    serde_json::from_str(&api::call("aksFacts", &request).unwrap()).unwrap()
}

fn example() -> String {
    let path = xtask::workspace_root().join("examples/az-aks-list.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn report(facts: &Value) -> Value {
    let request = json!({ "now": NOW, "cluster": facts }).to_string();
    serde_json::from_str(&api::call("report", &request).unwrap()).unwrap()
}

#[test]
fn the_recorded_az_aks_show_and_list_need_a_creation_date_and_then_agree() {
    let Some(dir) = corpus_dir() else { return };
    let rec = dir.join("aks-json/azure-cli-recording-test_aks_create_default");
    let show = std::fs::read_to_string(rec.join("02-GET-200-aks-show-Succeeded.json")).unwrap();
    let list = std::fs::read_to_string(rec.join("03-GET-200-aks-list-value.json")).unwrap();

    let bare = aks_facts(&show, json!({}));
    let entry = &bare["clusters"][0];
    assert_eq!(entry["name"], "cliakstest000002");
    assert_eq!(entry["resourceGroup"], "clitest000001", "from the id");
    assert_eq!(entry["facts"], Value::Null);
    assert_eq!(entry["error"]["kind"], "missingCreationDate");

    let assume = json!({ "created": "2022-05-13" });
    let from_show = aks_facts(&show, assume.clone());
    let from_list = aks_facts(&list, assume);
    assert_eq!(from_show, from_list, "az aks list holds the same cluster");
    let entry = &from_show["clusters"][0];
    assert_eq!(entry["error"], Value::Null);
    assert_eq!(
        entry["notes"],
        json!(["creation date assumed: 2022-05-13 (not in the JSON)"])
    );
    let facts = &entry["facts"];
    assert_eq!(facts["created"], "2022-05-13T00:00:00Z");
    assert_eq!(facts["kubernetesVersion"], "1.22.6");
    assert_eq!(facts["rbac"], true, "enableRBAC in the ARM body");
    assert_eq!(facts.get("lastUpgrade"), None, "created after March 2022");
    let pool = &facts["nodePools"][0];
    assert_eq!(pool["name"], "nodepool1");
    assert_eq!(pool["mode"], "System");
    assert_eq!(pool["count"], 1);
    assert_eq!(pool["nodeImage"], "AKSUbuntu-1804gen2containerd-2022.04.27");
    assert_eq!(pool["tags"], json!({ "tag1": "tv1", "tag2": "tv2" }));

    // The facts make a report: created after March 2022, so autorotation is on.
    let r = report(facts);
    assert_eq!(r["cluster"], "cliakstest000002");
    assert_eq!(r["autorotation"], true);
}

#[test]
fn the_arm_api_example_is_read_from_its_200_response() {
    let Some(dir) = corpus_dir() else { return };
    let text =
        std::fs::read_to_string(dir.join("aks-json/arm-spec-examples/ManagedClustersGet.json"))
            .unwrap();
    let doc = aks_facts(&text, json!({ "created": "2018-06-01" }));
    let entry = &doc["clusters"][0];
    assert_eq!(entry["name"], "clustername1");
    assert_eq!(entry["facts"]["kubernetesVersion"], "1.9.6");
    assert_eq!(entry["facts"]["nodePools"][0]["count"], 3);
}

#[test]
fn the_operation_bodies_of_the_corpus_hold_no_cluster() {
    let Some(dir) = corpus_dir() else { return };
    for file in [
        "aks-json/azure-cli-recording-test_aks_create_default/00-GET-operations-create-InProgress.json",
        "aks-json/azure-cli-recording-test_aks_stop_and_start/02-GET-operations-aks-start-Succeeded.json",
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let request = json!({ "input": text, "now": NOW }).to_string();
        let e = api::call("aksFacts", &request).unwrap_err();
        assert_eq!(e.kind(), "unreadableInput", "{file}");
        assert!(
            e.to_string().starts_with("`input` holds no AKS cluster"),
            "{file}: {e}"
        );
    }
}

#[test]
fn the_bundled_example_gives_each_cluster_its_dates() {
    let doc = aks_facts(&example(), json!({}));
    assert_eq!(doc["kind"], "AksFacts");
    let by_name = |name: &str| -> Value {
        doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing: {doc:#}"))
    };
    let shop = by_name("shop-prod");
    assert_eq!(
        shop["facts"]["created"], "2020-05-12T08:30:00Z",
        "systemData.createdAt"
    );
    assert_eq!(
        shop["facts"]["lastUpgrade"], "2022-05-03T00:00:00Z",
        "runs 1.29, created 2020"
    );
    assert_eq!(report(&shop["facts"])["autorotation"], true);
    let old = by_name("old-batch");
    assert_eq!(
        old["facts"]["created"], "2021-02-01T00:00:00Z",
        "the akscert-created tag"
    );
    assert_eq!(
        old["facts"].get("lastUpgrade"),
        None,
        "still on 1.21: maybe never upgraded"
    );
    assert_eq!(report(&old["facts"])["autorotation"], false);
    let lab = by_name("lab");
    assert_eq!(lab["facts"]["stoppedSince"], "2025-06-30T18:00:00Z");
    assert_eq!(
        lab["facts"]["nodePools"][0]["tags"]["aks-disable-kubelet-serving-certificate-rotation"],
        "true"
    );
}

#[test]
fn clusters_come_in_the_order_inspect_lists_them() {
    let mut list: Value = serde_json::from_str(&example()).unwrap();
    list.as_array_mut()
        .unwrap()
        .insert(1, json!({ "not": "a cluster" }));
    let text = list.to_string();
    let inspected: Value = serde_json::from_str(
        &api::call("inspect", &json!({ "input": text, "now": NOW }).to_string()).unwrap(),
    )
    .unwrap();
    let doc = aks_facts(&text, json!({}));
    let names = |v: &Value, key: &str| -> Vec<Value> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].clone())
            .collect()
    };
    assert_eq!(names(&inspected, "clusters"), names(&doc, "clusters"));
    assert_eq!(doc["clusters"][1]["index"], 1);
    assert_eq!(
        doc["notes"],
        json!([
            "item 1 of the list is not an AKS cluster (no agentPoolProfiles or kubernetesVersion); skipped"
        ])
    );
}
