//! Structured output, in no protocol's words: the JSON Schema a task's answer must
//! match ([`Schema`]), read from a SPEC (inline JSON, a `.json`/`.yaml` file, or
//! the concise form `'name, age int, tags [string], summary: one sentence'`); what
//! goes on the wire ([`Structured`]: the schema, its name, whether it meets the strict
//! rules, and how the provider is asked); the local check every answer gets
//! ([`Structured::check`], draft 2020-12, a fenced block unwrapped first) and the
//! repair turn that lists what failed; and the value the offline mock answers with
//! ([`sample`]). A leaf: protocols encode [`Structured`], the worker checks answers.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Deserializer, de};
use serde_json::{Map, Value, json};

use super::invalid::Invalid;

/// A schema file larger than this is not a schema anyone meant to send.
const MAX_SCHEMA_FILE: u64 = 1024 * 1024;

/// At most this many violations are listed to the model and in the error.
pub(super) const MAX_VIOLATIONS: usize = 20;

/// A JSON Schema for the answer, as the user gave it (an object schema for
/// `--schema-multi`, which wraps it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema(pub Value);

/// `--schema`: a schema, or `none` to turn a persona's `schema.json` off.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaChoice {
    Off,
    On(Schema),
}

impl Schema {
    /// A schema from a SPEC: `{…}` inline JSON, a path ending in `.json`, `.yaml` or
    /// `.yml`, else the concise form.
    pub fn parse(spec: &str) -> Result<Schema, Invalid> {
        let trimmed = spec.trim();
        if trimmed.is_empty() {
            return Err(Invalid { rule: "is empty; give fields such as 'name, age int'".into(), hint: None });
        }
        let value = if trimmed.starts_with('{') {
            serde_json::from_str::<Value>(trimmed).map_err(|err| Invalid {
                rule: format!("is not valid JSON: {err}"),
                hint: Some("inline JSON starts with `{`; the concise form is 'name, age int'"),
            })?
        } else if let Some(kind) = file_kind(trimmed) {
            read_file(trimmed, kind)?
        } else {
            concise(trimmed)?
        };
        Schema::from_value(value)
    }

    /// A schema from a JSON value, refused when it is not a valid draft 2020-12 schema.
    pub fn from_value(value: Value) -> Result<Schema, Invalid> {
        if !value.is_object() {
            return Err(Invalid { rule: "is not a JSON Schema: a schema is a JSON object".into(), hint: None });
        }
        if let Err(err) = jsonschema::draft202012::new(&value) {
            return Err(Invalid {
                rule: format!("is not a valid JSON Schema: {}", one_line(&err.to_string())),
                hint: None,
            });
        }
        Ok(Schema(value))
    }

    /// The schema sent for this answer: as given, or (`multi`) an object with one
    /// `items` array of it.
    pub fn wire(&self, multi: bool) -> Value {
        if multi {
            json!({
                "type": "object",
                "properties": { "items": { "type": "array", "items": self.0 } },
                "required": ["items"],
                "additionalProperties": false,
            })
        } else {
            self.0.clone()
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Clone, Copy)]
enum FileKind {
    Json,
    Yaml,
}

fn file_kind(spec: &str) -> Option<FileKind> {
    let extension = std::path::Path::new(spec).extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "json" => Some(FileKind::Json),
        "yaml" | "yml" => Some(FileKind::Yaml),
        _ => None,
    }
}

fn read_file(path: &str, kind: FileKind) -> Result<Value, Invalid> {
    let refused = |why: String| Invalid { rule: why, hint: None };
    let meta = std::fs::metadata(path).map_err(|err| refused(format!("cannot read {path}: {err}")))?;
    if !meta.is_file() {
        return Err(refused(format!("cannot read {path}: not a regular file")));
    }
    if meta.len() > MAX_SCHEMA_FILE {
        return Err(refused(format!("cannot read {path}: larger than 1 MiB")));
    }
    let text = std::fs::read_to_string(path).map_err(|err| refused(format!("cannot read {path}: {err}")))?;
    match kind {
        FileKind::Json => serde_json::from_str(&text).map_err(|err| refused(format!("{path}: not valid JSON: {err}"))),
        FileKind::Yaml => serde_saphyr::from_str::<Value>(&text)
            .map_err(|err| refused(format!("{path}: not valid YAML: {}", one_line(&err.to_string())))),
    }
}

/// The concise form: fields separated by commas (or by newlines, when there are
/// any, so that a description may hold commas), each `name [type][: description]`.
fn concise(spec: &str) -> Result<Value, Invalid> {
    let separator = if spec.contains('\n') { '\n' } else { ',' };
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut offset = 0;
    for field in spec.split(separator) {
        let start = offset;
        offset += field.len() + 1;
        if field.trim().is_empty() {
            continue;
        }
        let (head, description) = match field.split_once(':') {
            Some((head, description)) => (head, Some(description.trim())),
            None => (field, None),
        };
        let lead = head.len() - head.trim_start().len();
        let mut words = head.split_whitespace();
        let name = words.next().unwrap_or_default();
        let at = |extra: usize| spec[..(start + extra).min(spec.len())].chars().count() + 1;
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return Err(syntax(format!("`{name}` is not a field name (letters, digits, `_`, `-`)"), at(lead)));
        }
        let type_text: String = words.collect::<Vec<_>>().join(" ");
        let type_at = at(lead + name.len() + 1);
        let mut property = type_of(&type_text).ok_or_else(|| {
            syntax(format!("unknown type `{type_text}` for `{name}` (string, int, float, bool, or [TYPE])"), type_at)
        })?;
        if let Some(description) = description.filter(|d| !d.is_empty()) {
            property["description"] = description.into();
        }
        if properties.insert(name.to_string(), property).is_some() {
            return Err(syntax(format!("field `{name}` is named twice"), at(lead)));
        }
        required.push(Value::from(name));
    }
    if properties.is_empty() {
        return Err(Invalid { rule: "names no field; give fields such as 'name, age int'".into(), hint: None });
    }
    Ok(json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false }))
}

fn syntax(what: String, at: usize) -> Invalid {
    Invalid {
        rule: format!("is not a schema: {what} at character {at}"),
        hint: Some("the concise form is 'name, age int, score float, ok bool, tags [string], summary: one sentence'"),
    }
}

fn type_of(text: &str) -> Option<Value> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Some(json!({ "type": "array", "items": type_of(inner)? }));
    }
    let name = match text {
        "" | "str" | "string" => "string",
        "int" | "integer" => "integer",
        "float" | "number" => "number",
        "bool" | "boolean" => "boolean",
        _ => return None,
    };
    Some(json!({ "type": name }))
}

impl FromStr for SchemaChoice {
    type Err = Invalid;

    fn from_str(spec: &str) -> Result<Self, Invalid> {
        if spec.trim().eq_ignore_ascii_case("none") {
            return Ok(SchemaChoice::Off);
        }
        Schema::parse(spec).map(SchemaChoice::On)
    }
}

impl FromStr for Schema {
    type Err = Invalid;

    fn from_str(spec: &str) -> Result<Self, Invalid> {
        Schema::parse(spec)
    }
}

/// A batch line's `schema`: an object is the schema itself, a string is a SPEC.
fn from_line(value: Value, key: &str) -> Result<SchemaChoice, String> {
    let parsed = match value {
        Value::String(spec) => spec.parse::<SchemaChoice>(),
        object @ Value::Object(_) => Schema::from_value(object).map(SchemaChoice::On),
        other => Err(Invalid { rule: format!("takes an object or a SPEC string, not `{other}`"), hint: None }),
    };
    parsed.map_err(|err| format!("`{key}` {err}"))
}

impl<'de> Deserialize<'de> for SchemaChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        from_line(Value::deserialize(deserializer)?, "schema").map_err(de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match from_line(Value::deserialize(deserializer)?, "schema_multi").map_err(de::Error::custom)? {
            SchemaChoice::On(schema) => Ok(schema),
            SchemaChoice::Off => Err(de::Error::custom("`schema_multi` takes a schema, not `none`")),
        }
    }
}

/// How a provider is asked for structured output (`structured_output` in its table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructuredMode {
    /// The wire's own schema field (`response_format` json_schema; a forced tool on
    /// Anthropic's native API).
    #[default]
    JsonSchema,
    /// `response_format` json_object, with the schema in the system prompt.
    JsonObject,
    /// The schema in the system prompt only.
    Prompt,
}

impl StructuredMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StructuredMode::JsonSchema => "json_schema",
            StructuredMode::JsonObject => "json_object",
            StructuredMode::Prompt => "prompt",
        }
    }

    /// Whether the system prompt carries the schema.
    pub fn in_prompt(self) -> bool {
        self != StructuredMode::JsonSchema
    }
}

/// The schema of one request: what a protocol encodes and what the answer is
/// checked against.
#[derive(Debug, Clone)]
pub struct Structured {
    /// The schema's name on the wire (`json_schema.name`, the forced tool's name).
    pub name: String,
    /// The schema sent (for `multi`, the object with one `items` array).
    pub schema: Value,
    /// The schema meets the strict rules: every property required and
    /// `additionalProperties: false`, on every object.
    pub strict: bool,
    /// `--schema-multi`: the value printed is the `items` array.
    pub multi: bool,
    pub mode: StructuredMode,
    /// `schema` compiled on first use and shared by the clones: an answer is checked
    /// by the call loop (before caching it) and by the worker (for its repair rounds).
    compiled: Arc<OnceLock<Result<jsonschema::Validator, String>>>,
}

/// Two requests' schemas are the same when what is sent is; the compiled form follows.
impl PartialEq for Structured {
    fn eq(&self, other: &Self) -> bool {
        (&self.name, &self.schema, self.strict, self.multi, self.mode)
            == (&other.name, &other.schema, other.strict, other.multi, other.mode)
    }
}

/// One way an answer fails its schema: where (a JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() { "(root)" } else { &self.pointer };
        write!(f, "{at}: {}", self.message)
    }
}

impl Structured {
    pub fn new(schema: &Schema, multi: bool, mode: StructuredMode) -> Self {
        let wire = schema.wire(multi);
        let name = schema
            .0
            .get("title")
            .and_then(Value::as_str)
            .map(|t| t.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').take(64).collect())
            .filter(|t: &String| !t.is_empty())
            .unwrap_or_else(|| "answer".to_string());
        Self { name, strict: is_strict(&wire), schema: wire, multi, mode, compiled: Arc::default() }
    }

    /// The words added to the system prompt when the wire cannot carry the schema.
    pub fn prompt_words(&self) -> String {
        format!(
            "Answer with one JSON value that matches this JSON Schema, and nothing else (no prose, no code fence):\n{}",
            self.schema
        )
    }

    /// The answer's value if it parses (a fenced code block unwrapped first) and
    /// matches the schema; else what is wrong, at most 20 (`MAX_VIOLATIONS`).
    pub fn check(&self, answer: &str) -> Result<Value, Vec<Violation>> {
        let text = unfence(answer);
        let value: Value = serde_json::from_str(text).map_err(|err| {
            vec![Violation { pointer: String::new(), message: format!("the answer is not JSON ({err})") }]
        })?;
        let compiled =
            self.compiled.get_or_init(|| jsonschema::draft202012::new(&self.schema).map_err(|e| e.to_string()));
        let validator = compiled.as_ref().map_err(|err| {
            vec![Violation { pointer: String::new(), message: format!("the schema cannot be used: {err}") }]
        })?;
        let violations: Vec<Violation> = validator
            .iter_errors(&value)
            .take(MAX_VIOLATIONS)
            .map(|err| Violation { pointer: err.instance_path.to_string(), message: one_line(&err.to_string()) })
            .collect();
        if violations.is_empty() { Ok(value) } else { Err(violations) }
    }

    /// The value printed: the `items` array for `multi`.
    pub fn printed(&self, value: Value) -> Value {
        if self.multi {
            match value {
                Value::Object(mut object) => object.remove("items").unwrap_or(Value::Null),
                other => other,
            }
        } else {
            value
        }
    }

    /// The user turn of a repair round.
    pub fn repair_words(violations: &[Violation]) -> String {
        let mut text = String::from("Your answer does not match the JSON Schema:\n");
        for violation in violations.iter().take(MAX_VIOLATIONS) {
            text.push_str(&format!("- {violation}\n"));
        }
        text.push_str("Answer again with only the corrected JSON value.");
        text
    }
}

/// The text inside a fenced code block (```json … ```), or the text itself.
pub fn unfence(answer: &str) -> &str {
    let trimmed = answer.trim();
    let Some(rest) = trimmed.strip_prefix("```") else { return trimmed };
    let Some(body_start) = rest.find('\n') else { return trimmed };
    let body = &rest[body_start + 1..];
    body.trim_end().strip_suffix("```").map_or(trimmed, str::trim)
}

/// The strict rules of OpenAI's structured outputs: every object lists all of its
/// properties as required and allows no others, all the way down.
pub(super) fn is_strict(schema: &Value) -> bool {
    let Some(object) = schema.as_object() else { return true };
    let is_object = object.get("type").and_then(Value::as_str) == Some("object") || object.contains_key("properties");
    if is_object {
        if object.get("additionalProperties") != Some(&Value::Bool(false)) {
            return false;
        }
        let properties = object.get("properties").and_then(Value::as_object);
        let required: Vec<&str> =
            object.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        if properties.is_some_and(|p| p.keys().any(|k| !required.contains(&k.as_str()))) {
            return false;
        }
    }
    let children = ["properties", "$defs", "definitions"]
        .iter()
        .filter_map(|key| object.get(*key).and_then(Value::as_object))
        .flat_map(|map| map.values())
        .chain(["items", "additionalItems", "not"].iter().filter_map(|key| object.get(*key)))
        .chain(
            ["anyOf", "oneOf", "allOf", "prefixItems"]
                .iter()
                .filter_map(|key| object.get(*key).and_then(Value::as_array))
                .flatten(),
        );
    children.into_iter().all(is_strict)
}

/// A value that matches `schema`, built from it: the required properties, the first
/// enum value or const, minimum lengths and bounds (arrays get one item where they
/// may). What the offline mock answers.
pub fn sample(schema: &Value) -> Value {
    sample_at(schema, schema, 0)
}

fn sample_at(root: &Value, schema: &Value, depth: usize) -> Value {
    let Some(object) = schema.as_object() else { return Value::Null };
    if depth > 16 {
        return Value::Null;
    }
    if let Some(constant) = object.get("const") {
        return constant.clone();
    }
    if let Some(first) = object.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str)
        && let Some(target) = reference.strip_prefix('#').and_then(|pointer| root.pointer(pointer))
    {
        return sample_at(root, target, depth + 1);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(first) = object.get(key).and_then(Value::as_array).and_then(|a| a.first()) {
            return sample_at(root, first, depth + 1);
        }
    }
    let kind = match object.get("type") {
        Some(Value::String(kind)) => kind.as_str(),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).find(|k| *k != "null").unwrap_or("null"),
        _ if object.contains_key("properties") => "object",
        _ if object.contains_key("items") => "array",
        _ => "null",
    };
    let number = |key: &str| object.get(key).and_then(Value::as_f64);
    match kind {
        "object" => {
            let mut out = Map::new();
            let properties = object.get("properties").and_then(Value::as_object);
            let required = object.get("required").and_then(Value::as_array);
            for name in required.into_iter().flatten().filter_map(Value::as_str) {
                let property = properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null);
                out.insert(name.to_string(), sample_at(root, property, depth + 1));
            }
            Value::Object(out)
        }
        "array" => {
            // One item where the schema allows it: a dry run's pipeline sees an element.
            let max = object.get("maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
            let count = object.get("minItems").and_then(Value::as_u64).unwrap_or(0).max(1).min(max).min(100);
            let items = object.get("items").unwrap_or(&Value::Null);
            (0..count).map(|_| sample_at(root, items, depth + 1)).collect()
        }
        "string" => {
            let min = object.get("minLength").and_then(Value::as_u64).unwrap_or(0).min(10_000);
            Value::from("x".repeat(usize::try_from(min).unwrap_or(0)))
        }
        "integer" => {
            let low = number("minimum").or_else(|| number("exclusiveMinimum").map(|m| m.floor() + 1.0));
            let high = number("maximum").or_else(|| number("exclusiveMaximum").map(|m| m.ceil() - 1.0));
            #[expect(clippy::cast_possible_truncation, reason = "bounds of a schema, rounded to a whole number")]
            let value = low.map_or_else(|| high.map_or(0.0, |h| h.min(0.0)), f64::ceil) as i64;
            Value::from(value)
        }
        "number" => {
            let low = number("minimum").or_else(|| number("exclusiveMinimum").map(|m| m + 1.0));
            let high = number("maximum").or_else(|| number("exclusiveMaximum").map(|m| m - 1.0));
            let value = low.unwrap_or_else(|| high.map_or(0.0, |h| h.min(0.0)));
            serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
        }
        "boolean" => Value::Bool(false),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_concise_form_makes_a_strict_object_schema() {
        let schema = Schema::parse("name, age int, score float, ok bool, tags [string], summary: one sentence")
            .expect("concise");
        assert_eq!(
            schema.0,
            json!({
                "type": "object",
                "properties": {
                    "name": {"type": "string"}, "age": {"type": "integer"}, "score": {"type": "number"},
                    "ok": {"type": "boolean"}, "tags": {"type": "array", "items": {"type": "string"}},
                    "summary": {"type": "string", "description": "one sentence"},
                },
                "required": ["name", "age", "score", "ok", "tags", "summary"],
                "additionalProperties": false,
            })
        );
        assert!(is_strict(&schema.wire(false)) && is_strict(&schema.wire(true)));
        let lines = Schema::parse("title\nsummary: one sentence, or two").expect("lines");
        assert_eq!(lines.0["properties"]["summary"]["description"], "one sentence, or two");
    }

    #[test]
    fn concise_errors_name_the_position() {
        let err = Schema::parse("name, age integr").expect_err("bad type");
        assert!(
            err.rule.contains("unknown type `integr` for `age`") && err.rule.ends_with("at character 11"),
            "{}",
            err.rule
        );
        let err = Schema::parse("name, a! int").expect_err("bad name");
        assert!(err.rule.contains("character 7"), "{}", err.rule);
        let err = Schema::parse("a, a int").expect_err("twice");
        assert!(err.rule.contains("named twice"), "{}", err.rule);
    }

    #[test]
    fn strict_needs_every_property_required_and_no_others() {
        assert!(!is_strict(&json!({"type": "object", "properties": {"a": {}}, "required": []})));
        assert!(!is_strict(&json!({"type": "object", "properties": {"a": {}}, "required": ["a"]})));
        assert!(is_strict(
            &json!({"type": "object", "properties": {"a": {}}, "required": ["a"], "additionalProperties": false})
        ));
        let nested = json!({"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {}}}},
                            "required": ["a"], "additionalProperties": false});
        assert!(!is_strict(&nested));
    }

    #[test]
    fn answers_are_unfenced_checked_and_repaired_in_words() {
        let schema = Schema::parse("risk int, reasons [string]").expect("schema");
        let structured = Structured::new(&schema, false, StructuredMode::JsonSchema);
        let value = structured.check("```json\n{\"risk\": 2, \"reasons\": [\"x\"]}\n```").expect("valid");
        assert_eq!(value, json!({"risk": 2, "reasons": ["x"]}));
        let violations = structured.check(r#"{"risk": "high"}"#).expect_err("invalid");
        assert!(violations.iter().any(|v| v.pointer == "/risk"), "{violations:?}");
        assert!(violations.iter().any(|v| v.pointer.is_empty() && v.message.contains("reasons")), "{violations:?}");
        assert!(structured.check("no json").expect_err("prose")[0].message.starts_with("the answer is not JSON"));
        let words = Structured::repair_words(&violations);
        assert!(words.contains("- /risk: ") && words.ends_with("corrected JSON value."), "{words}");
    }

    #[test]
    fn the_sample_matches_its_schema() {
        for spec in [
            "name, age int, score float, ok bool, tags [string], summary: one sentence",
            r#"{"type":"object","properties":{"kind":{"enum":["a","b"]},"n":{"type":"integer","minimum":3,"maximum":9},
               "s":{"type":"string","minLength":2},"l":{"type":"array","items":{"type":"number","exclusiveMinimum":1.5},"minItems":2}},
               "required":["kind","n","s","l"]}"#,
        ] {
            let schema = Schema::parse(spec).expect("schema");
            for multi in [false, true] {
                let structured = Structured::new(&schema, multi, StructuredMode::JsonSchema);
                let value = sample(&structured.schema);
                assert!(structured.check(&value.to_string()).is_ok(), "{spec} {multi}: {value}");
            }
        }
    }

    #[test]
    fn multi_wraps_in_items_and_prints_the_array() {
        let schema = Schema::parse("name").expect("schema");
        let structured = Structured::new(&schema, true, StructuredMode::JsonSchema);
        assert_eq!(structured.schema["properties"]["items"]["items"], schema.0);
        assert_eq!(structured.printed(json!({"items": [{"name": "a"}]})), json!([{"name": "a"}]));
    }
}
