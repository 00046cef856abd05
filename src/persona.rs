//! Personas: folders under a personas directory (or built into the binary) that
//! turn into a system prompt. Two formats load: `PERSONA.md` + `AI_START_HERE.md`,
//! and `SKILL.md` with YAML front matter (read with serde-saphyr, which never
//! panics). Sections are `## ` lines outside fenced code blocks.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::paths::Located;

macro_rules! builtin {
    ($name:literal) => {
        (
            concat!("examples/", $name),
            include_str!(concat!("../personas/examples/", $name, "/PERSONA.md")),
            include_str!(concat!("../personas/examples/", $name, "/AI_START_HERE.md")),
        )
    };
}

/// The example personas shipped in `personas/examples/`, compiled in so they are
/// always available. A folder on disk with the same name overrides one.
const BUILTINS: &[(&str, &str, &str)] = &[
    builtin!("code-reviewer"),
    builtin!("decision-maker"),
    builtin!("devops-engineer"),
    builtin!("documentation-manager"),
    builtin!("project-manager"),
    builtin!("qa-engineer"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PersonaSource {
    Builtin,
    Folder { path: PathBuf },
}

impl PersonaSource {
    pub fn describe(&self) -> String {
        match self {
            PersonaSource::Builtin => "built-in".into(),
            PersonaSource::Folder { path } => path.display().to_string(),
        }
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Persona {
    pub character: String,
    pub mission: String,
    pub personality: String,
    pub capabilities: Vec<String>,
    pub autonomy: String,
    pub decision_making: String,
    /// `schema.json` in the persona's folder: the default `--schema` of its tasks.
    pub schema: Option<crate::request::Schema>,
}

impl Persona {
    pub fn system_prompt(&self) -> String {
        let capabilities = self.capabilities.iter().map(|c| format!("- {c}")).collect::<Vec<_>>().join("\n");
        let blocks = [
            ("Your Character", self.character.as_str()),
            ("Your Mission", self.mission.as_str()),
            ("Your Personality", self.personality.as_str()),
            ("Your Capabilities", capabilities.as_str()),
            ("Autonomy Guidelines", self.autonomy.as_str()),
            ("Decision Making", self.decision_making.as_str()),
        ];
        blocks
            .iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(heading, text)| format!("# {heading}\n{}", text.trim()))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    fn is_empty(&self) -> bool {
        self.system_prompt().is_empty()
    }
}

/// The prompt for an agent spawned without a persona.
pub fn default_prompt(agent_name: &str) -> String {
    format!("You are {agent_name}, an AI agent.")
}

/// The fence a line opens or closes: its character and length (``` or ~~~, 3+).
fn fence_of(line: &str) -> Option<(char, usize)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let first = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let count = trimmed.chars().take_while(|c| *c == first).count();
    (count >= 3).then_some((first, count))
}

/// `## ` sections of a markdown file: (heading, body), in order. A `## ` line inside
/// a fenced code block is text, not a heading.
fn sections(text: &str) -> Vec<(String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out: Vec<(String, String)> = Vec::new();
    let mut open_fence: Option<(char, usize)> = None;
    for line in text.lines() {
        let fence = fence_of(line);
        match (open_fence, fence) {
            (None, Some(opened)) => open_fence = Some(opened),
            (Some((c, n)), Some((c2, n2))) if c == c2 && n2 >= n && line.trim().chars().all(|x| x == c) => {
                open_fence = None;
            }
            _ => {}
        }
        let heading = if open_fence.is_none() && fence.is_none() { line.strip_prefix("## ") } else { None };
        if let Some(heading) = heading {
            out.push((heading.trim().to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

fn section<'a>(sections: &'a [(String, String)], names: &[&str]) -> &'a str {
    names
        .iter()
        .filter_map(|name| sections.iter().find(|(heading, _)| heading.eq_ignore_ascii_case(name)))
        .map(|(_, body)| body.trim())
        .find(|body| !body.is_empty())
        .unwrap_or("")
}

/// List items (`- x`, `* x`, `1. x`) of a section; other lines are dropped.
fn list_items(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
                return Some(item.trim().to_string());
            }
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                return line[digits..].strip_prefix(". ").map(|item| item.trim().to_string());
            }
            None
        })
        .filter(|item| !item.is_empty())
        .collect()
}

pub fn parse_two_file(persona_md: &str, start_here_md: &str) -> Persona {
    let persona = sections(persona_md);
    let start = sections(start_here_md);
    Persona {
        character: section(&persona, &["Character"]).to_string(),
        mission: section(&start, &["Your Mission"]).to_string(),
        personality: section(&start, &["Your Personality"]).to_string(),
        capabilities: list_items(section(&persona, &["Capabilities"])),
        // The format's own examples keep `## Autonomy Level` and `## Decision Making`
        // in PERSONA.md: fall back to either file.
        autonomy: first_of(&[(&start, &["Your Autonomy", "Autonomy Level"]), (&persona, &["Autonomy Level"])]),
        decision_making: first_of(&[
            (&start, &["Decision Points", "Decision Making"]),
            (&persona, &["Decision Making"]),
        ]),
        schema: None,
    }
}

type Sections = Vec<(String, String)>;

fn first_of(places: &[(&Sections, &[&str])]) -> String {
    places.iter().map(|(sections, names)| section(sections, names)).find(|s| !s.is_empty()).unwrap_or("").to_string()
}

/// saphyr starts its messages with a position inside the front matter; the caller
/// names the file's own line instead.
fn without_position(message: &str) -> &str {
    let Some(rest) = message.strip_prefix("line ") else { return message };
    match rest.split_once(": ") {
        Some((position, tail)) if position.split(" column ").all(|n| n.trim().parse::<u64>().is_ok()) => tail,
        _ => message,
    }
}

#[derive(serde::Deserialize)]
struct FrontMatter {
    name: Option<String>,
    description: Option<String>,
}

/// Parse `SKILL.md`: YAML front matter between a first-line `---` and the next
/// `---` line (block scalars, quoting, escapes and comments as YAML has them),
/// then the body. Errors carry the 1-based line number; nothing is silently wrong.
pub fn parse_skill(text: &str) -> Result<Persona, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, first)) if first.trim_end() == "---" => {}
        _ => return Err((1, "SKILL.md must start with a `---` front matter line".into())),
    }
    let Some(closed_at) = lines.find(|(_, line)| line.trim_end() == "---").map(|(index, _)| index) else {
        return Err((1, "front matter has no closing `---` line".into()));
    };
    let yaml: String = text.lines().skip(1).take(closed_at - 1).map(|l| format!("{l}\n")).collect();
    let front: FrontMatter = if yaml.trim().is_empty() {
        FrontMatter { name: None, description: None }
    } else {
        serde_saphyr::from_str(&yaml).map_err(|err| {
            let line = err.location().map_or(1, |l| usize::try_from(l.line()).unwrap_or(0) + 1);
            let message = err.to_string();
            let first = message.lines().next().unwrap_or("invalid YAML").trim().trim_start_matches("error: ");
            (line, format!("front matter is not valid YAML: {}", without_position(first)))
        })?
    };
    let name = front.name.filter(|n| !n.trim().is_empty());
    let Some(description) = front.description.filter(|d| !d.trim().is_empty()) else {
        return Err((closed_at + 1, "front matter needs a non-empty `description`".into()));
    };
    if name.is_none() {
        return Err((closed_at + 1, "front matter needs a non-empty `name`".into()));
    }
    let body: Vec<&str> = text.lines().skip(closed_at + 1).collect();
    Ok(Persona {
        character: description.trim().to_string(),
        mission: body.join("\n").trim().to_string(),
        ..Persona::default()
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonaEntry {
    pub name: String,
    pub source: PersonaSource,
}

pub struct PersonaLibrary {
    dir: Option<Located>,
}

/// A persona name is a relative folder path with no `.`, `..` or empty part.
pub fn is_valid_name(name: &str) -> bool {
    !invalid_name(name)
}

fn invalid_name(name: &str) -> bool {
    name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.split('/').any(|part| part.is_empty() || part == "." || part == "..")
}

/// Why a persona cannot be used; `error.rs` picks the exit code (3 for `NotFound`,
/// else 2) and the hints.
#[derive(Debug, thiserror::Error)]
pub enum PersonaError {
    #[error("invalid persona name `{0}`: use a relative folder path such as examples/code-reviewer")]
    BadName(String),
    #[error("persona `{name}` not found in {looked}")]
    NotFound { name: String, looked: String },
    #[error("cannot read {what} {}: {detail}", path.display())]
    Unreadable { what: &'static str, path: PathBuf, detail: String },
    /// A capped read refused the file (too large, not a regular file).
    #[error("persona file {0}")]
    Refused(String),
    #[error("persona {} is a file, not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("persona file {} is a folder, not a file", .0.display())]
    NotAFile(PathBuf),
    /// One file of a two-file persona is there, the other is not.
    #[error("persona file {} is missing", .0.display())]
    HalfMissing(PathBuf),
    #[error("persona file {} is not UTF-8 text", .0.display())]
    NotText(PathBuf),
    #[error("persona {} has no usable section (## Character, ## Capabilities in PERSONA.md; ## Your Mission, … in AI_START_HERE.md)", .0.display())]
    Empty(PathBuf),
    #[error("{}:{line}: {message}", path.display())]
    Syntax { path: PathBuf, line: usize, message: String },
    #[error("persona folder {} has neither PERSONA.md + AI_START_HERE.md nor SKILL.md", .0.display())]
    NoFiles(PathBuf),
}

/// What is at a persona path: nothing, a file, a folder, or an error worth naming
/// (no permission, a symbolic-link loop) rather than reporting as missing.
enum Found {
    Missing,
    File,
    Folder,
}

fn probe(path: &Path, what: &'static str) -> Result<Found, PersonaError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(Found::Folder),
        Ok(_) => Ok(Found::File),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Found::Missing),
        Err(err) => Err(PersonaError::Unreadable { what, path: path.to_path_buf(), detail: err.to_string() }),
    }
}

/// A persona file larger than this is not a prompt anyone meant to send.
const MAX_PERSONA_FILE: u64 = 1024 * 1024;

fn read(path: &Path) -> Result<String, PersonaError> {
    // A FIFO would block with no word, /dev/zero would fill memory.
    let bytes = crate::files::read_capped(path, MAX_PERSONA_FILE, "read persona file").map_err(|err| match err {
        crate::files::ReadError::Io(err) => {
            PersonaError::Unreadable { what: "persona file", path: path.to_path_buf(), detail: err.source.to_string() }
        }
        other => PersonaError::Refused(other.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|_| PersonaError::NotText(path.to_path_buf()))
}

impl PersonaLibrary {
    pub fn new(dir: Option<Located>) -> Self {
        Self { dir }
    }

    pub fn load(&self, name: &str) -> Result<(Persona, PersonaSource), PersonaError> {
        if invalid_name(name) {
            return Err(PersonaError::BadName(name.to_string()));
        }
        if let Some(dir) = &self.dir {
            let folder = dir.path.join(name);
            match probe(&folder, "persona folder")? {
                Found::Folder => {
                    let persona = load_folder(&folder)?;
                    return Ok((persona, PersonaSource::Folder { path: folder }));
                }
                Found::File => return Err(PersonaError::NotAFolder(folder)),
                Found::Missing => {}
            }
        }
        if let Some((_, persona_md, start_md)) = BUILTINS.iter().find(|(n, _, _)| *n == name) {
            return Ok((parse_two_file(persona_md, start_md), PersonaSource::Builtin));
        }
        let looked = match &self.dir {
            Some(dir) => format!("{} and the built-ins", dir.path.display()),
            None => "the built-ins (no personas folder found)".into(),
        };
        Err(PersonaError::NotFound { name: name.to_string(), looked })
    }

    pub fn list(&self) -> anyhow::Result<Vec<PersonaEntry>> {
        let mut entries: Vec<PersonaEntry> = Vec::new();
        if let Some(dir) = &self.dir {
            let mut found = Vec::new();
            let mut seen = std::collections::HashSet::new();
            collect_persona_folders(&dir.path, &dir.path, 0, &mut seen, &mut found);
            for (name, path) in found {
                entries.push(PersonaEntry { name, source: PersonaSource::Folder { path } });
            }
        }
        for (name, _, _) in BUILTINS {
            if !entries.iter().any(|e| e.name == *name) {
                entries.push(PersonaEntry { name: (*name).to_string(), source: PersonaSource::Builtin });
            }
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }
}

/// Walk the personas folder. Symbolic links are followed, but each real folder is
/// visited once: a link loop cannot make the walk endless or list a persona twice.
fn collect_persona_folders(
    root: &Path,
    dir: &Path,
    depth: usize,
    seen: &mut std::collections::HashSet<PathBuf>,
    out: &mut Vec<(String, PathBuf)>,
) {
    if depth > 6 {
        return;
    }
    let Ok(real) = std::fs::canonicalize(dir) else { return };
    if !seen.insert(real) {
        return;
    }
    let Ok(read_dir) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = read_dir.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    entries.sort();
    for path in entries {
        if std::fs::canonicalize(&path).is_ok_and(|real| seen.contains(&real)) {
            continue;
        }
        if (path.join("PERSONA.md").is_file() || path.join("SKILL.md").is_file())
            && let Ok(relative) = path.strip_prefix(root)
        {
            let name = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((name, path.clone()));
        }
        collect_persona_folders(root, &path, depth + 1, seen, out);
    }
}

/// The persona of a folder, with its `schema.json` when there is one.
fn load_folder(folder: &Path) -> Result<Persona, PersonaError> {
    let mut persona = load_text(folder)?;
    let schema_file = folder.join("schema.json");
    match probe(&schema_file, "persona file")? {
        Found::Missing => {}
        Found::Folder => return Err(PersonaError::NotAFile(schema_file)),
        Found::File => {
            let text = read(&schema_file)?;
            let value: serde_json::Value = serde_json::from_str(&text).map_err(|err| PersonaError::Syntax {
                path: schema_file.clone(),
                line: err.line(),
                message: format!("not valid JSON: {err}"),
            })?;
            let schema = crate::request::Schema::from_value(value).map_err(|err| PersonaError::Syntax {
                path: schema_file.clone(),
                line: 1,
                message: err.rule,
            })?;
            persona.schema = Some(schema);
        }
    }
    Ok(persona)
}

fn load_text(folder: &Path) -> Result<Persona, PersonaError> {
    let persona_md = folder.join("PERSONA.md");
    let start_md = folder.join("AI_START_HERE.md");
    let skill_md = folder.join("SKILL.md");
    // Reading the folder first names a missing permission as such.
    std::fs::read_dir(folder).map_err(|err| PersonaError::Unreadable {
        what: "persona folder",
        path: folder.to_path_buf(),
        detail: err.to_string(),
    })?;
    let found = |path: &Path| -> Result<bool, PersonaError> {
        match probe(path, "persona file")? {
            Found::Missing => Ok(false),
            Found::File => Ok(true),
            Found::Folder => Err(PersonaError::NotAFile(path.to_path_buf())),
        }
    };
    let (has_persona, has_start) = (found(&persona_md)?, found(&start_md)?);
    if has_persona || has_start {
        for (file, present) in [(&persona_md, has_persona), (&start_md, has_start)] {
            if !present {
                return Err(PersonaError::HalfMissing(file.clone()));
            }
        }
        let persona = parse_two_file(&read(&persona_md)?, &read(&start_md)?);
        if persona.is_empty() {
            return Err(PersonaError::Empty(persona_md));
        }
        return Ok(persona);
    }
    if found(&skill_md)? {
        return parse_skill(&read(&skill_md)?).map_err(|(line, message)| PersonaError::Syntax {
            path: skill_md,
            line,
            message,
        });
    }
    Err(PersonaError::NoFiles(folder.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_file_prompt_is_exact() {
        let persona_md = "# T\nintro ignored\n## Character\nA careful reviewer.\n\n## Capabilities\nSome prose that is dropped.\n- Find bugs\n* Judge tests\n1. Spot leaks\n   - nested item\n## Tone\nDirect.\n";
        let start_md = "## Your Mission\nReview code.\n## Your Personality\nCalm.\n## Your Autonomy\nJudge alone.\n## Decision Points\n- Data loss blocks.\n## Persistent Tasks\nKeep notes.\n";
        let persona = parse_two_file(persona_md, start_md);
        assert_eq!(
            persona.system_prompt(),
            "# Your Character\nA careful reviewer.\n\n# Your Mission\nReview code.\n\n# Your Personality\nCalm.\n\n\
# Your Capabilities\n- Find bugs\n- Judge tests\n- Spot leaks\n- nested item\n\n# Autonomy Guidelines\nJudge alone.\n\n\
# Decision Making\n- Data loss blocks."
        );
    }

    #[test]
    fn fallback_headings_and_skipped_empty_blocks() {
        let persona = parse_two_file(
            "## Character\nX\n",
            "## Autonomy Level\nAsk first.\n## Decision Making\nPick one.\n## Your Autonomy\n\n",
        );
        // An empty preferred section falls back to the alternative heading.
        assert_eq!(persona.autonomy, "Ask first.");
        let persona =
            parse_two_file("## Character\nX\n", "## Autonomy Level\nAsk first.\n## Decision Making\nPick one.\n");
        assert_eq!(
            persona.system_prompt(),
            "# Your Character\nX\n\n# Autonomy Guidelines\nAsk first.\n\n# Decision Making\nPick one."
        );
    }

    #[test]
    fn preferred_heading_wins_over_fallback() {
        let persona = parse_two_file("", "## Decision Making\nold\n## Decision Points\nnew\n");
        assert_eq!(persona.decision_making, "new");
    }

    #[test]
    fn skill_format() {
        let text = "---\nname: \"helper\"\ndescription: 'Helps with things.'\nlicense: MIT\nmetadata:\n  author: someone\n  version: 2\n---\n# Body\n\nDo the task well.\n";
        let persona = parse_skill(text).expect("parses");
        assert_eq!(
            persona.system_prompt(),
            "# Your Character\nHelps with things.\n\n# Your Mission\n# Body\n\nDo the task well."
        );
    }

    #[test]
    fn skill_errors_name_the_line() {
        assert_eq!(parse_skill("name: x\n").map_err(|e| e.0), Err(1));
        assert_eq!(parse_skill("---\nname: x\ndescription: y\n").map_err(|e| e.0), Err(1));
        let err = parse_skill("---\nname: x\nthis is not a key value\ndescription: y\n---\n").map_err(|e| e.0);
        assert_eq!(err, Err(3));
        let err = parse_skill("---\nname: x\n---\nbody").expect_err("no description");
        assert_eq!(err.0, 3);
        assert!(err.1.contains("description"));
        assert!(parse_skill("---\ndescription: y\n---\n").expect_err("no name").1.contains("name"));
    }

    #[test]
    fn two_file_fallbacks_reach_persona_md() {
        // The format's own examples keep these two sections in PERSONA.md.
        let persona = parse_two_file(
            "## Character\nX\n## Autonomy Level\nHigh: act alone.\n## Decision Making\nPrefer reversible steps.\n",
            "## Your Mission\nShip.\n",
        );
        assert_eq!(persona.autonomy, "High: act alone.");
        assert_eq!(persona.decision_making, "Prefer reversible steps.");
        // AI_START_HERE.md still wins when it has them.
        let persona = parse_two_file("## Autonomy Level\nfrom persona\n", "## Your Autonomy\nfrom start\n");
        assert_eq!(persona.autonomy, "from start");
    }

    #[test]
    fn headings_inside_fenced_code_are_text() {
        let persona = parse_two_file(
            "## Character\nUses examples:\n```markdown\n## Not a heading\n```\n~~~~\n## Nor this\n~~~\nstill fenced\n~~~~\nafter\n## Capabilities\n- Real item\n",
            "## Your Mission\nM\n",
        );
        assert_eq!(
            persona.character,
            "Uses examples:\n```markdown\n## Not a heading\n```\n~~~~\n## Nor this\n~~~\nstill fenced\n~~~~\nafter"
        );
        assert_eq!(persona.capabilities, vec!["Real item".to_string()]);
        let skill = "---\nname: x\ndescription: d\n---\n```\n## inside\n```\n";
        assert!(parse_skill(skill).expect("parses").mission.contains("## inside"));
    }

    #[test]
    fn skill_front_matter_is_yaml() {
        let folded = "---\nname: reviewer # a comment\ndescription: >-\n  Reviews code\n  carefully.\nmetadata:\n  tags: [a, b]\n---\nBody\n";
        assert_eq!(parse_skill(folded).expect("folded").character, "Reviews code carefully.");
        let literal = "---\nname: r\ndescription: |\n  Line one.\n  Line two.\n---\n";
        assert_eq!(parse_skill(literal).expect("literal").character, "Line one.\nLine two.");
        let quoted = "---\nname: 'it''s'\ndescription: \"Tab\\there \\\"quoted\\\"\"\n---\n";
        assert_eq!(parse_skill(quoted).expect("quoted").character, "Tab\there \"quoted\"");
        let bom = "\u{feff}---\nname: b\ndescription: d\n---\n";
        assert_eq!(parse_skill(bom).expect("bom").character, "d");
        // What it cannot read is an error naming the line, never silently wrong text.
        let (line, message) = parse_skill("---\nname: x\ndescription: [unclosed\n---\n").expect_err("bad yaml");
        assert!((2..=4).contains(&line), "{line}: {message}");
        assert!(message.starts_with("front matter is not valid YAML"), "{message}");
        let (line, _) = parse_skill("---\nname: x\ndescription:\n  - a list\n---\n").expect_err("not a string");
        assert!((3..=4).contains(&line), "{line}");
    }

    #[test]
    fn builtins_all_parse_with_every_block() {
        for (name, persona_md, start_md) in BUILTINS {
            let persona = parse_two_file(persona_md, start_md);
            for (label, text) in [
                ("character", &persona.character),
                ("mission", &persona.mission),
                ("personality", &persona.personality),
                ("autonomy", &persona.autonomy),
                ("decision", &persona.decision_making),
            ] {
                assert!(!text.is_empty(), "{name} has no {label}");
            }
            assert!(persona.capabilities.len() >= 4, "{name} capabilities");
            assert!(!persona.system_prompt().contains("Tone"), "{name} leaks Tone");
        }
    }

    #[test]
    fn names_cannot_escape_the_folder() {
        for bad in ["../x", "/etc", "a//b", "a/./b", ""] {
            assert!(invalid_name(bad), "{bad}");
        }
        assert!(!invalid_name("examples/code-reviewer"));
    }

    #[test]
    fn folder_errors_name_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let lib =
            PersonaLibrary::new(Some(Located { path: dir.path().to_path_buf(), source: crate::paths::Source::Flag }));
        std::fs::create_dir_all(dir.path().join("empty")).expect("mkdir");
        let err = lib.load("empty").expect_err("neither format").to_string();
        assert!(err.contains("neither"), "{err}");
        std::fs::create_dir_all(dir.path().join("half")).expect("mkdir");
        std::fs::write(dir.path().join("half/PERSONA.md"), "## Character\nx\n").expect("write");
        let err = lib.load("half").expect_err("missing file").to_string();
        assert!(err.contains("AI_START_HERE.md") && err.contains("missing"), "{err}");
        std::fs::create_dir_all(dir.path().join("blank")).expect("mkdir");
        std::fs::write(dir.path().join("blank/PERSONA.md"), "# nothing\n").expect("write");
        std::fs::write(dir.path().join("blank/AI_START_HERE.md"), "## Tone\nx\n").expect("write");
        let err = lib.load("blank").expect_err("no section").to_string();
        assert!(err.contains("no usable section") && err.contains("PERSONA.md"), "{err}");
        assert!(lib.load("nope").expect_err("unknown").to_string().contains("not found"));
        std::fs::create_dir_all(dir.path().join("examples/code-reviewer")).expect("mkdir");
        std::fs::write(
            dir.path().join("examples/code-reviewer/SKILL.md"),
            "---\nname: a\ndescription: Overridden.\n---\n",
        )
        .expect("write");
        let (persona, source) = lib.load("examples/code-reviewer").expect("override");
        assert_eq!(persona.character, "Overridden.");
        assert!(matches!(source, PersonaSource::Folder { .. }));
    }
}
