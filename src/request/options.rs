//! What a task asks for besides its text, in one type: [`TaskOptions`] is both the
//! flags of `task run` (flattened into its clap arguments) and the keys of a batch
//! line (serde), so a flag and a batch key can never diverge. Each value is checked
//! once, by its value type ([`Temperature`], [`MaxTokens`], [`Model`], [`Limit`]),
//! whichever way it came in; a refusal is an [`Invalid`] that the edge words with
//! the flag (`--temperature takes …`) or the batch key (`` `temperature` takes …``).

use std::fmt;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, de};

use super::invalid::Invalid;
use super::schema::{Schema, SchemaChoice};

/// The sampling temperature: a number from 0 to 2, or `none` (send no temperature
/// and let the server choose). Whether a protocol takes all of 0 to 2 is the
/// protocol's to say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Temperature {
    /// `none`: the request carries no temperature.
    Unset,
    Value(f64),
}

impl Temperature {
    pub const MAX: f64 = 2.0;

    /// What is sent: `None` for [`Temperature::Unset`].
    pub fn value(self) -> Option<f64> {
        match self {
            Temperature::Unset => None,
            Temperature::Value(t) => Some(t),
        }
    }

    fn from_number(number: f64, raw: &dyn fmt::Display) -> Result<Self, Invalid> {
        if (0.0..=Self::MAX).contains(&number) {
            // `-0` is zero, and valid.
            Ok(Temperature::Value(number.abs()))
        } else {
            Err(Self::refused(raw))
        }
    }

    fn refused(raw: &dyn fmt::Display) -> Invalid {
        Invalid { rule: format!("takes a number from 0 to 2 or `none`, not `{raw}`"), hint: None }
    }
}

impl FromStr for Temperature {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if raw.trim().eq_ignore_ascii_case("none") {
            return Ok(Temperature::Unset);
        }
        match raw.trim().parse::<f64>() {
            Ok(number) => Self::from_number(number, &raw),
            Err(_) => Err(Self::refused(&raw)),
        }
    }
}

impl<'de> Deserialize<'de> for Temperature {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match NumberOrText::deserialize(deserializer)? {
            NumberOrText::Number(n) => Self::from_number(n, &n),
            NumberOrText::Text(text) => text.parse(),
        }
        .map_err(|err| de::Error::custom(format!("`temperature` {err}")))
    }
}

/// The most tokens an answer may have: a whole number of 1 or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxTokens(pub NonZeroU32);

impl MaxTokens {
    pub fn get(self) -> u32 {
        self.0.get()
    }

    fn refused(raw: &dyn fmt::Display) -> Invalid {
        Invalid { rule: format!("takes a whole number from 1 to {}, not `{raw}`", u32::MAX), hint: None }
    }
}

impl FromStr for MaxTokens {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        raw.trim().parse::<NonZeroU32>().map(MaxTokens).map_err(|_| Self::refused(&raw))
    }
}

impl<'de> Deserialize<'de> for MaxTokens {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match WholeOrText::deserialize(deserializer)? {
            WholeOrText::Whole(n) => {
                u32::try_from(n).ok().and_then(NonZeroU32::new).map(MaxTokens).ok_or_else(|| Self::refused(&n))
            }
            WholeOrText::Number(n) => Err(Self::refused(&n)),
            WholeOrText::Text(text) => text.parse(),
        }
        .map_err(|err| de::Error::custom(format!("`max_tokens` {err}")))
    }
}

/// A model name: any text that is not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model(String);

impl Model {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Model {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        if raw.trim().is_empty() {
            return Err(Invalid { rule: "is empty; name a model, e.g. gpt-4o-mini".into(), hint: None });
        }
        Ok(Model(raw.to_string()))
    }
}

impl<'de> Deserialize<'de> for Model {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?.parse().map_err(|err| de::Error::custom(format!("`model` {err}")))
    }
}

/// A time limit: a DURATION (`90`, `90s`, `2m`, `500ms`) of at least 1 ms; a batch
/// line may give a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub Duration);

impl Limit {
    fn refused(raw: &dyn fmt::Display) -> Invalid {
        Invalid {
            rule: format!("takes a duration such as `60`, `90s` or `2m`, not `{raw}`"),
            hint: Some("a bare number is seconds"),
        }
    }
}

impl FromStr for Limit {
    type Err = Invalid;

    fn from_str(raw: &str) -> Result<Self, Invalid> {
        match crate::units::parse_duration(raw) {
            Some(limit) if limit >= Duration::from_millis(1) => Ok(Limit(limit)),
            _ => Err(Self::refused(&raw)),
        }
    }
}

/// A [`Limit`] under its batch key, for the error's wording.
fn limit_field<'de, D: Deserializer<'de>>(deserializer: D, key: &str) -> Result<Option<Limit>, D::Error> {
    let parsed = match NumberOrText::deserialize(deserializer)? {
        NumberOrText::Number(secs) => crate::units::duration_from_secs(secs)
            .filter(|d| *d >= Duration::from_millis(1))
            .map(Limit)
            .ok_or_else(|| Limit::refused(&secs)),
        NumberOrText::Text(text) => text.parse(),
    };
    parsed.map(Some).map_err(|err| de::Error::custom(format!("`{key}` {err}")))
}

fn timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    limit_field(d, "timeout")
}

fn connect_timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    limit_field(d, "connect_timeout")
}

fn idle_timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    limit_field(d, "idle_timeout")
}

fn tool_timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Limit>, D::Error> {
    limit_field(d, "tool_timeout")
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WholeOrText {
    Whole(u64),
    Number(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(f64),
    Text(String),
}

/// The per-task options, as flags of `task run` and as keys of a batch line. A batch
/// line's keys override the run's flags ([`TaskOptions::over`]); whatever neither
/// gives comes from the environment, the provider's table or the default (see
/// `settings`).
#[derive(Debug, Clone, Default, PartialEq, clap::Args, Deserialize)]
#[serde(default)]
pub struct TaskOptions {
    /// Override the provider's model for this run
    #[arg(long, value_name = "MODEL")]
    pub model: Option<Model>,

    /// Sampling temperature from 0 to 2, or `none` to send none [default: 0.7]
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub temperature: Option<Temperature>,

    /// Maximum tokens in the response (1 or more)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub max_tokens: Option<MaxTokens>,

    /// Give up on the whole task after this long, e.g. 90, 90s, 2m (exit 5) [default: 600]
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    #[serde(deserialize_with = "timeout")]
    pub timeout: Option<Limit>,

    /// Give up connecting after this long, e.g. 500ms, 5s [default: 10s, at most --timeout]
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    #[serde(deserialize_with = "connect_timeout")]
    pub connect_timeout: Option<Limit>,

    /// An attempt fails when no byte arrives for this long (retried) [default: 120s]
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    #[serde(deserialize_with = "idle_timeout")]
    pub idle_timeout: Option<Limit>,

    /// Retries per provider after a retryable failure [default: 2]
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    // The help is an attribute: rustdoc would read `[string]` in a doc comment as a link.
    #[arg(
        long,
        value_name = "SPEC",
        help = "Answer with JSON matching SPEC: inline JSON, a .json/.yaml file, or fields such as 'name, age int, tags [string]'; `none` turns a persona's schema.json off"
    )]
    pub schema: Option<SchemaChoice>,

    /// Answer with a JSON array of objects matching SPEC (printed as that array)
    #[arg(long, value_name = "SPEC", conflicts_with = "schema")]
    pub schema_multi: Option<Schema>,

    /// Repair rounds for an answer that does not match the schema [default: 1]
    #[arg(long, value_name = "N")]
    pub schema_retries: Option<u32>,

    /// Let the model call the tools of these [mcp.NAME] servers (besides the agent's own)
    #[arg(long, value_name = "NAME[,NAME]", value_delimiter = ',')]
    pub tools: Vec<String>,

    /// Offer only the tools matching GLOB on `server.tool` (repeatable)
    #[arg(long = "allow-tool", value_name = "GLOB")]
    #[serde(rename = "allow_tool")]
    pub allow_tools: Vec<String>,

    /// Never offer the tools matching GLOB on `server.tool` (repeatable; wins over --allow-tool)
    #[arg(long = "deny-tool", value_name = "GLOB")]
    #[serde(rename = "deny_tool")]
    pub deny_tools: Vec<String>,

    /// Model calls a task with tools may make (exit 11 when the model still asks for tools) [default: 10]
    #[arg(long, value_name = "N")]
    pub max_steps: Option<NonZeroU32>,

    /// Each tool call's limit; a call that takes longer is an error result the model sees [default: 60s]
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    #[serde(deserialize_with = "tool_timeout")]
    pub tool_timeout: Option<Limit>,
}

impl TaskOptions {
    /// These options where given, `base`'s elsewhere: a batch line over its run's flags.
    #[must_use]
    pub fn over(&self, base: &TaskOptions) -> TaskOptions {
        TaskOptions {
            model: self.model.clone().or_else(|| base.model.clone()),
            temperature: self.temperature.or(base.temperature),
            max_tokens: self.max_tokens.or(base.max_tokens),
            timeout: self.timeout.or(base.timeout),
            connect_timeout: self.connect_timeout.or(base.connect_timeout),
            idle_timeout: self.idle_timeout.or(base.idle_timeout),
            retries: self.retries.or(base.retries),
            // A line's schema (either kind) replaces the run's whole choice.
            schema: if self.names_schema() { self.schema.clone() } else { base.schema.clone() },
            schema_multi: if self.names_schema() { self.schema_multi.clone() } else { base.schema_multi.clone() },
            schema_retries: self.schema_retries.or(base.schema_retries),
            // A line's list of servers or patterns replaces the run's.
            tools: if self.tools.is_empty() { base.tools.clone() } else { self.tools.clone() },
            allow_tools: if self.allow_tools.is_empty() { base.allow_tools.clone() } else { self.allow_tools.clone() },
            deny_tools: if self.deny_tools.is_empty() { base.deny_tools.clone() } else { self.deny_tools.clone() },
            max_steps: self.max_steps.or(base.max_steps),
            tool_timeout: self.tool_timeout.or(base.tool_timeout),
        }
    }

    fn names_schema(&self) -> bool {
        self.schema.is_some() || self.schema_multi.is_some()
    }

    /// The answer's schema and whether it is `--schema-multi`'s: the options' own,
    /// else `default` (a persona's `schema.json`) unless `--schema none`.
    pub fn answer_schema(&self, default: Option<&Schema>) -> Option<(Schema, bool)> {
        if let Some(schema) = &self.schema_multi {
            return Some((schema.clone(), true));
        }
        match &self.schema {
            Some(SchemaChoice::Off) => None,
            Some(SchemaChoice::On(schema)) => Some((schema.clone(), false)),
            None => default.map(|schema| (schema.clone(), false)),
        }
    }

    /// The options for a fallback provider: `--model` names the primary's model only.
    #[must_use]
    pub fn for_fallback(&self) -> TaskOptions {
        TaskOptions { model: None, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_reads_the_same_from_a_flag_and_a_line() {
        assert_eq!("none".parse::<Temperature>(), Ok(Temperature::Unset));
        assert_eq!("-0".parse::<Temperature>(), Ok(Temperature::Value(0.0)));
        assert_eq!(
            "2.5".parse::<Temperature>().map_err(|e| e.rule),
            Err("takes a number from 0 to 2 or `none`, not `2.5`".to_string())
        );
        let line: TaskOptions = serde_json::from_str(r#"{"temperature": "None", "max_tokens": 7}"#).expect("line");
        assert_eq!(line.temperature, Some(Temperature::Unset));
        assert_eq!(line.max_tokens.map(MaxTokens::get), Some(7));
        let err = serde_json::from_str::<TaskOptions>(r#"{"temperature": 3}"#).expect_err("3");
        assert!(err.to_string().starts_with("`temperature` takes a number from 0 to 2"), "{err}");
        let err = serde_json::from_str::<TaskOptions>(r#"{"max_tokens": 0}"#).expect_err("0");
        assert!(err.to_string().starts_with("`max_tokens` takes a whole number from 1"), "{err}");
        let err = serde_json::from_str::<TaskOptions>(r#"{"timeout": "soon"}"#).expect_err("soon");
        assert!(err.to_string().starts_with("`timeout` takes a duration"), "{err}");
    }
}
