//! Scenario files: read (TOML, YAML or JSON; the bundled example without a file) and
//! apply `--seed` / `--horizon`. The engine that runs a scenario validates it; its refusal
//! names a JSON path, reported here at the line and column of that value in the file (or
//! on `--horizon`).

use akscert_core::engine::{Horizon, Prepared, RefusedPart, Scenario, ScenarioRefusal};

use crate::source::{Source, SourceError};

/// The bundled example scenario, in TOML (the README's first command runs it).
pub const EXAMPLE_SCENARIO: &str = include_str!("../../examples/scenario.toml");

/// The bundled example's name in messages.
pub const EXAMPLE_NAME: &str = "examples/scenario.toml (bundled)";

/// A scenario and the file it came from.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// The file.
    pub source: Source,
    /// The scenario, with any command-line overrides applied.
    pub scenario: Scenario,
    /// `--horizon`, when given (a refused horizon is blamed on it).
    horizon_flag: Option<Horizon>,
}

/// Read and parse a scenario file (`None`: the bundled example; `-`: stdin).
pub fn load(path: Option<&str>) -> Result<ScenarioFile, SourceError> {
    let source = match path {
        None => Source::from_text(EXAMPLE_NAME, EXAMPLE_SCENARIO.to_string()),
        Some(p) => Source::read(p)?,
    };
    let scenario = source.parse()?;
    Ok(ScenarioFile::new(source, scenario))
}

impl ScenarioFile {
    /// A scenario read from `source`.
    pub fn new(source: Source, scenario: Scenario) -> ScenarioFile {
        ScenarioFile {
            source,
            scenario,
            horizon_flag: None,
        }
    }

    /// A scenario built in memory (its JSON stands in for the file in messages).
    pub fn in_memory(scenario: Scenario) -> ScenarioFile {
        let text = serde_json::to_string_pretty(&scenario).unwrap_or_default();
        ScenarioFile::new(Source::from_text("<scenario>.json", text), scenario)
    }

    /// Override the seed and the horizon from the command line.
    pub fn with_overrides(mut self, seed: Option<u64>, horizon: Option<Horizon>) -> Self {
        if let Some(s) = seed {
            self.scenario.seed = s;
        }
        if let Some(h) = horizon {
            self.scenario.horizon = h;
        }
        self
    }

    /// Validate: the prepared scenario (start, horizon, every cluster's spec).
    pub fn prepared(&self) -> Result<Prepared<'_>, SourceError> {
        self.validate()
    }

    /// Apply `--seed` and `--horizon`. The engine validates the scenario when a run
    /// opens it ([`crate::execute`]); a horizon it refuses is then blamed on the flag, not
    /// on the file's own `horizon` line.
    pub fn with_flags(self, seed: Option<u64>, horizon: Option<Horizon>) -> Self {
        let mut file = self.with_overrides(seed, horizon);
        file.horizon_flag = horizon;
        file
    }

    fn validate(&self) -> Result<Prepared<'_>, SourceError> {
        self.scenario
            .prepare()
            .map_err(|e| self.refused(&ScenarioRefusal::of(&e, &self.scenario)))
    }

    /// A refusal at its place in the file — or on `--horizon` when that is what the
    /// scenario refuses.
    pub fn refused(&self, r: &ScenarioRefusal) -> SourceError {
        let message = r.message.clone();
        match (self.horizon_flag, r.part) {
            (Some(h), RefusedPart::Horizon) => SourceError::Invalid {
                name: format!("--horizon {}", horizon_text(h)),
                position: None,
                path: None,
                message,
            },
            (Some(h), RefusedPart::AfterHorizon) => self.source.error_at(
                &r.path,
                format!("{message}, set by --horizon {}", horizon_text(h)),
            ),
            _ => self.source.error_at(&r.path, message),
        }
    }
}

/// A horizon as the command line gives it (`2035-01-01`, `10y`).
fn horizon_text(h: Horizon) -> String {
    match h {
        Horizon::Until(t) => t.to_string(),
        Horizon::For(d) => d.to_string(),
    }
}
