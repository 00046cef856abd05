//! `state.json`: its types, its schema version and the migrations from older files.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{AgentRecord, StateError, Totals};

pub const SCHEMA_VERSION: u64 = 1;

/// Migrations from version N to N+1, indexed by N. A file without a version is
/// version 0 (pre-release files); each step edits the raw JSON in place.
const MIGRATIONS: &[fn(&mut serde_json::Value)] = &[migrate_v0_to_v1];

fn migrate_v0_to_v1(value: &mut serde_json::Value) {
    if let Some(object) = value.as_object_mut() {
        object.entry("agents").or_insert_with(|| serde_json::json!([]));
        object.entry("providers").or_insert_with(|| serde_json::json!({}));
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub schema_version: u64,
    #[serde(default)]
    pub agents: Vec<AgentRecord>,
    #[serde(default)]
    pub providers: BTreeMap<String, Totals>,
    /// How many bytes of `history.jsonl` these totals include. History lines are
    /// appended before the state is written; lines past this mark (a writer killed
    /// in between) are counted by the next writer, so the two always agree.
    /// Absent in files written before it existed: then the mark starts at the
    /// history's current length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_bytes: Option<u64>,
    /// Totals by provider and agent, for the Prometheus output.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub series: BTreeMap<String, Totals>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fallback_pairs: BTreeMap<String, u64>,
    /// When the history was last pruned to its retention (at most once a day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pruned_at: Option<String>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            agents: Vec::new(),
            providers: BTreeMap::new(),
            history_bytes: None,
            pruned_at: None,
            series: BTreeMap::new(),
            fallback_pairs: BTreeMap::new(),
        }
    }
}

impl State {
    /// An agent by name, or by id.
    pub fn find(&self, name_or_id: &str) -> Option<&AgentRecord> {
        self.agents.iter().find(|a| a.name == name_or_id).or_else(|| self.agents.iter().find(|a| a.id == name_or_id))
    }
}

pub fn parse_state(text: &str, path: &Path) -> Result<State, StateError> {
    // The common case, a file of this version, straight into `State`: going through a
    // `serde_json::Value` first cost a fifth of a task's instructions.
    if let Ok(state) = serde_json::from_str::<State>(text)
        && state.schema_version == SCHEMA_VERSION
    {
        return Ok(state);
    }
    let broken = |detail: String| StateError::Torn { path: path.to_path_buf(), detail };
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|err| broken(err.to_string()))?;
    if !value.is_object() {
        return Err(broken("the top level is not an object".into()));
    }
    let version = match value.get("schema_version") {
        None => 0,
        Some(v) => v.as_u64().ok_or_else(|| broken("schema_version is not a number".into()))?,
    };
    if version > SCHEMA_VERSION {
        return Err(StateError::Newer { path: path.to_path_buf(), version });
    }
    for step in version..SCHEMA_VERSION {
        let migrate = MIGRATIONS
            .get(usize::try_from(step).unwrap_or(usize::MAX))
            .ok_or_else(|| broken(format!("no migration from version {step}")))?;
        migrate(&mut value);
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("schema_version".into(), SCHEMA_VERSION.into());
    }
    serde_json::from_value(value).map_err(|err| broken(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Tokens;

    #[test]
    fn unversioned_file_migrates_and_newer_is_refused() {
        let state = parse_state(r#"{"agents": []}"#, Path::new("s.json")).expect("v0 migrates");
        assert_eq!(state.schema_version, SCHEMA_VERSION);
        let err = parse_state(r#"{"schema_version": 99}"#, Path::new("s.json")).expect_err("newer");
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }

    #[test]
    fn half_written_file_is_a_one_line_error_naming_the_file() {
        let err =
            parse_state(r#"{"schema_version": 1, "agents": [{"id": "#, Path::new("/x/state.json")).expect_err("torn");
        let text = err.to_string();
        assert!(text.starts_with("state file /x/state.json is unreadable"), "{text}");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn round_trip_keeps_everything() {
        let mut state = State::default();
        state
            .providers
            .entry("p".into())
            .or_default()
            .record(true, Some(&Tokens { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }));
        let text = serde_json::to_string(&state).expect("serialise");
        let back = parse_state(&text, Path::new("s.json")).expect("parse");
        assert_eq!(
            back.providers["p"],
            Totals {
                tasks_completed: 1,
                tasks_failed: 0,
                tokens_used: 7,
                prompt_tokens: 3,
                completion_tokens: 4,
                ..Totals::default()
            }
        );
    }
}
