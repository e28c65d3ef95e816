//! What if we do X (or nothing)? The cluster's facts replayed to `now`, then the given
//! operations applied: what changes, the downtime, which kubeconfigs break, and the exact
//! commands to run — before and after.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::cluster::{Event, EventKind};
use crate::engine::scenario::check_operation;
use crate::engine::{
    API_VERSION, ClusterSummary, Horizon, Run, RunOptions, ScheduledOperation, drive,
};
use crate::policy::Policy;
use crate::rng::{SplitMix64, derive_seed};
use crate::time::{Duration, Instant};

use super::{ClusterFacts, ExpiryReport, ReportError, replay, report_from};

/// Ask what happens if operations are applied to a cluster from `now` on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WhatIfRequest {
    /// The present.
    pub now: Instant,
    /// Warning window for the reports (default 30 days).
    #[serde(default = "crate::document::thirty_days")]
    #[cfg_attr(feature = "tsify", tsify(type = "Duration"))]
    pub warn_within: Duration,
    /// Policy overrides.
    #[serde(default)]
    pub policy: Policy,
    /// Seed for the kubelets' jitter and any undecided rotate-certs outcome.
    #[serde(default)]
    pub seed: u64,
    /// The cluster as it is.
    pub cluster: ClusterFacts,
    /// What to do, at or after `now` (none: "what if we do nothing").
    #[serde(default)]
    pub operations: Vec<ScheduledOperation>,
    /// How far to look: an instant, or a span after `now`. Default: one day after the
    /// last operation could have finished, or 1 year after `now` with no operations.
    #[serde(default)]
    pub horizon: Option<Horizon>,
}

crate::struct_de::read_fields! {
    WhatIfRequest, WhatIfRequest {
        now: Instant::MIN,
        warn_within: crate::document::thirty_days(),
        policy: Policy::default(),
        seed: 0,
        cluster: crate::struct_de::ReadFields::blank(),
        operations: Vec::new(),
        horizon: None,
    };
    "now" => now: true,
    "warnWithin" => warn_within: false,
    "policy" => policy: false,
    "seed" => seed: false,
    "cluster" => cluster: true,
    "operations" => operations: false,
    "horizon" => horizon: false,
}

impl WhatIfRequest {
    /// Check the request's own values (the facts are checked by their replay): the
    /// warning window, and each operation — at or after `now`, at most
    /// [`MAX_SPAN`](super::MAX_SPAN) later, with tags Azure accepts and a rotate-certs
    /// duration within the policy's bound. Each error names its field.
    pub fn validate(&self) -> Result<(), ReportError> {
        super::check_warn_within(self.warn_within)?;
        for (i, s) in self.operations.iter().enumerate() {
            let field = format!("operations[{i}].at");
            if s.at < self.now {
                return Err(ReportError::OperationBeforeNow {
                    field,
                    at: s.at,
                    now: self.now,
                });
            }
            if s.at.since(self.now) > super::MAX_SPAN {
                return Err(ReportError::OperationTooLate {
                    field,
                    at: s.at,
                    now: self.now,
                });
            }
            check_operation(|| format!("operations[{i}]"), &s.op, &self.policy)
                .map_err(ReportError::Operation)?;
        }
        Ok(())
    }
}

/// The answer (reads back from its JSON; see [`crate::document`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// `akscert/v1`.
    #[serde(deserialize_with = "crate::document::api_version")]
    pub api_version: Cow<'static, str>,
    /// `WhatIf`.
    #[serde(deserialize_with = "crate::document::what_if_kind")]
    pub kind: Cow<'static, str>,
    /// The horizon used.
    pub horizon: Instant,
    /// The report at `now`.
    pub before: ExpiryReport,
    /// The report at the horizon.
    pub after: ExpiryReport,
    /// Everything that happens from `now` to the horizon.
    pub events: Vec<Event>,
    /// Downtime, incidents and actions over that span.
    pub summary: ClusterSummary,
    /// Kubeconfigs that stop working, and what kubectl prints.
    pub broken_kubeconfigs: Vec<BrokenKubeconfig>,
    /// The commands to run afterwards, in order, without repeats.
    pub commands: Vec<String>,
}

/// A kubeconfig the operations break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct BrokenKubeconfig {
    /// Who.
    pub holder: String,
    /// When.
    pub at: Instant,
    /// What kubectl prints.
    pub kubectl: String,
}

/// Replay `req.cluster` to `req.now`, apply `req.operations`, and report.
pub fn what_if(req: &WhatIfRequest) -> Result<WhatIf, ReportError> {
    req.validate()?;
    let (mut cluster, notes) = replay(&req.cluster, req.now, &req.policy)?;
    let before = report_from(&cluster, req.now, req.warn_within, notes.clone());
    let mut ops = req.operations.clone();
    crate::sort::sort_by_key(&mut ops, |s| s.at);
    let scenario = req.cluster.scenario(req.now, &req.policy);
    let horizon = match req.horizon {
        Some(Horizon::Until(t)) => t,
        Some(Horizon::For(d)) => req.now + d,
        None => ops
            .iter()
            .map(|s| s.at + scenario.longest(&s.op) + Duration::days(1))
            .max()
            .unwrap_or(req.now + Duration::days(365)),
    };
    if horizon < req.now || horizon.since(req.now) > Duration::years(1000) {
        return Err(ReportError::Horizon {
            horizon,
            now: req.now,
        });
    }
    let mut rng = SplitMix64::new(derive_seed(
        req.seed,
        &format!("what-if/{}", req.cluster.name),
    ));
    let mut run = Run::new(RunOptions::default());
    // What is already wrong at `now` (an outage, a broken kubeconfig, an open action) is
    // part of the answer, though it began before: it counts from `now`.
    for kind in cluster.ongoing(req.now) {
        let e = Event { at: req.now, kind };
        run.summary.observe(&e);
        if let Some(events) = &mut run.events {
            events.push(e);
        }
    }
    drive(&mut cluster, &scenario, &ops, horizon, &mut rng, &mut run)
        .map_err(ReportError::Replay)?;
    let events = run.events.take().unwrap_or_default();
    // The certificates at the horizon are the `after` report's rows.
    let summary = run.summary.finish(horizon, &cluster, false);
    let after = report_from(&cluster, horizon, req.warn_within, notes);
    let broken_kubeconfigs = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KubeconfigBroken {
                holder, kubectl, ..
            } => Some(BrokenKubeconfig {
                holder: holder.clone(),
                at: e.at,
                kubectl: kubectl.clone(),
            }),
            _ => None,
        })
        .collect();
    let mut commands: Vec<String> = Vec::new();
    for a in &after.actions {
        for c in &a.commands {
            if !commands.contains(c) {
                commands.push(c.clone());
            }
        }
    }
    Ok(WhatIf {
        api_version: Cow::Borrowed(API_VERSION),
        kind: Cow::Borrowed("WhatIf"),
        horizon,
        before,
        after,
        events,
        summary,
        broken_kubeconfigs,
        commands,
    })
}
