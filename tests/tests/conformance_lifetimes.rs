//! Certificate lifetimes: the seed's "before May 2019: two years; after: 30-year CA", and
//! the exact dates of real AKS certificates quoted in public Azure/AKS issues.

use akscert_core::inventory::{CertRole, Issuer, RotationMechanism};
use akscert_core::time::{Duration, Instant};
use akscert_tests::{Sim, at, rotate, spec};

#[test]
fn ca_of_cluster_created_after_may_2019_lasts_30x365_days_as_a_real_aks_ca() {
    // MicrosoftDocs/azure-docs#75678: Not Before May 20 08:05:47 2019, Not After May 12
    // 08:15:47 2049: issued at 08:15:47, backdated 10 minutes, + 10950 days.
    let s = Sim::new(spec("c", "2019-05-20T08:15:47Z", "1.13.5"));
    let ca = &s.cp(CertRole::ClusterCa).cert;
    assert_eq!(
        ca.not_before,
        Instant::parse_openssl("May 20 08:05:47 2019 GMT").unwrap()
    );
    assert_eq!(
        ca.not_after,
        Some(Instant::parse_openssl("May 12 08:15:47 2049 GMT").unwrap())
    );
    assert_eq!(ca.issuer, Issuer::SelfSigned);
}

#[test]
fn api_server_certificate_lasts_730_days_plus_the_10_minute_backdate() {
    // MicrosoftDocs/azure-docs#44448: notBefore=Dec  8 13:44:37 2019, notAfter=Dec  7 13:54:37 2021.
    let s = Sim::new(spec("c", "2019-12-08T13:54:37Z", "1.15.5"));
    let api = &s.cp(CertRole::ApiServer).cert;
    assert_eq!(api.not_before.to_openssl(), "Dec  8 13:44:37 2019 GMT");
    assert_eq!(
        api.not_after.unwrap().to_openssl(),
        "Dec  7 13:54:37 2021 GMT"
    );
    assert_eq!(api.issuer, Issuer::ClusterCa { generation: 1 });
}

#[test]
fn kubeconfig_client_certificate_lasts_two_years() {
    // azure-devops-docs PR #14210: notBefore=Jan 23 05:33:49 2025, notAfter=Jan 23 05:43:49 2027.
    let s = Sim::new(spec("c", "2025-01-23T05:43:49Z", "1.30.7"));
    let kc = &s.cp(CertRole::KubectlClient).cert;
    assert_eq!(kc.not_before.to_openssl(), "Jan 23 05:33:49 2025 GMT");
    assert_eq!(
        kc.not_after.unwrap().to_openssl(),
        "Jan 23 05:43:49 2027 GMT"
    );
}

#[test]
fn cluster_created_before_may_2019_has_two_year_certificates_ca_included_without_backdate() {
    // Azure/AKS#877 (2018): subject O=system:masters, notBefore=Nov 13 23:01:34 2018,
    // notAfter=Nov 12 23:01:34 2020 — exactly 730 days, no backdate.
    let s = Sim::new(spec("c", "2018-11-13T23:01:34Z", "1.11.3"));
    for role in [
        CertRole::ClusterCa,
        CertRole::ApiServer,
        CertRole::KubectlClient,
    ] {
        let c = &s.cp(role).cert;
        assert_eq!(c.not_before, at("2018-11-13T23:01:34Z"), "{role}");
        assert_eq!(c.not_after, Some(at("2020-11-12T23:01:34Z")), "{role}");
    }
}

#[test]
fn may_2019_boundary_is_the_first_of_may() {
    let before = Sim::new(spec("c", "2019-04-30T23:59:59Z", "1.13.5"));
    let after = Sim::new(spec("c", "2019-05-01T00:00:00Z", "1.13.5"));
    let life = |s: &Sim| {
        let ca = &s.cp(CertRole::ClusterCa).cert;
        ca.not_after.unwrap().since(ca.not_before)
    };
    assert_eq!(life(&before), Duration::days(730));
    assert_eq!(life(&after), Duration::days(10_950) + Duration::minutes(10));
}

#[test]
fn rotating_a_legacy_cluster_gives_it_a_30_year_ca() {
    // The 2019 article: "any cluster that has its certificates rotated have Cluster CA
    // certificates that expire after 30 years".
    let mut s = Sim::new(spec("c", "2018-06-01T00:00:00Z", "1.10.3"));
    s.done("2020-01-10T00:00:00Z", rotate(true, 20));
    let ca = &s.cp(CertRole::ClusterCa).cert;
    assert_eq!(
        ca.not_after.unwrap().since(ca.not_before),
        Duration::days(10_950) + Duration::minutes(10)
    );
    assert_eq!(s.cluster.ca_generation(), 2);
}

#[test]
fn cluster_ca_is_only_ever_rotated_by_hand() {
    let s = Sim::new(spec("c", "2024-01-01T00:00:00Z", "1.28.3"));
    assert_eq!(
        s.cp(CertRole::ClusterCa).mechanism,
        RotationMechanism::ManualOnly
    );
    assert_eq!(
        CertRole::ClusterCa.maintainer(),
        akscert_core::inventory::Maintainer::User
    );
    assert_eq!(
        CertRole::ApiServer.maintainer(),
        akscert_core::inventory::Maintainer::Aks
    );
}

#[test]
fn self_signed_kubelet_serving_certificate_lasts_20_years() {
    // AgentBaker: openssl req -x509 -days 7300, written when KSCR is off.
    let s = Sim::new(spec("c", "2024-01-01T00:00:00Z", "1.26.6"));
    let serving = &s.pool("nodepool1").kubelet_serving;
    assert_eq!(serving.cert.issuer, Issuer::SelfSigned);
    assert_eq!(
        serving
            .cert
            .not_after
            .unwrap()
            .since(serving.cert.not_before),
        Duration::days(7300)
    );
    assert_eq!(serving.mechanism, RotationMechanism::Reimage);
}

#[test]
fn kubelet_client_certificate_lifetime_is_a_policy_field_defaulting_to_one_year() {
    let s = Sim::new(spec("c", "2024-01-01T00:00:00Z", "1.28.3"));
    let c = &s.pool("nodepool1").kubelet_client.cert;
    assert_eq!(
        c.not_after.unwrap().since(c.not_before),
        Duration::days(365) + Duration::minutes(5)
    );
    let policy = akscert_core::Policy {
        kubelet_client_lifetime: Duration::days(30),
        ..Default::default()
    };
    let s = Sim::with_policy(spec("c", "2024-01-01T00:00:00Z", "1.28.3"), policy);
    let c = &s.pool("nodepool1").kubelet_client.cert;
    assert_eq!(
        c.not_after.unwrap().since(at("2024-01-01T00:00:00Z")),
        Duration::days(30)
    );
}
