//! The one place that writes to stdout and stderr. Stdout carries only results;
//! notes, warnings, progress and verbose logs go to stderr. [`Printer`] is a small
//! `Copy` value, so tasks and callbacks can carry it without lifetimes.

// The one module allowed to touch the process's stdout and stderr (clippy.toml).
#![allow(clippy::disallowed_methods, reason = "the one module that writes to stdout and stderr")]

use std::io::{IsTerminal, Write};

use serde::Serialize;

use crate::cli::{ColorChoice, GlobalArgs};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: bool,
    color_stderr: bool,
    color_stdout: bool,
    stderr_is_tty: bool,
}

const fn bold(color: anstyle::AnsiColor) -> anstyle::Style {
    anstyle::Style::new().bold().fg_color(Some(anstyle::Color::Ansi(color)))
}
const RED_BOLD: anstyle::Style = bold(anstyle::AnsiColor::Red);
const YELLOW_BOLD: anstyle::Style = bold(anstyle::AnsiColor::Yellow);
const CYAN_BOLD: anstyle::Style = bold(anstyle::AnsiColor::Cyan);
const BOLD: anstyle::Style = anstyle::Style::new().bold();
const DIM: anstyle::Style = anstyle::Style::new().dimmed();

impl Printer {
    pub(crate) fn new(global: &GlobalArgs, env: &crate::env_vars::Env) -> Self {
        let no_color_env = env.get(crate::env_vars::EnvVars::NO_COLOR).is_some();
        let stderr_is_tty = std::io::stderr().is_terminal();
        // anstream's choice for a stream: a terminal, and NO_COLOR, CLICOLOR,
        // CLICOLOR_FORCE and TERM=dumb as the conventions say.
        let auto = |choice: anstream::ColorChoice| choice != anstream::ColorChoice::Never;
        let (color_stderr, color_stdout) = match global.color.unwrap_or_default() {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto if no_color_env => (false, false),
            ColorChoice::Auto => (
                auto(anstream::AutoStream::choice(&std::io::stderr())),
                auto(anstream::AutoStream::choice(&std::io::stdout())),
            ),
        };
        Self {
            json: global.json,
            quiet: global.quiet,
            verbose: global.verbose,
            color_stderr,
            color_stdout,
            stderr_is_tty,
        }
    }

    fn paint(self, style: anstyle::Style, text: &str) -> String {
        if self.color_stderr { format!("{style}{text}{style:#}") } else { text.to_string() }
    }

    /// Write text to stdout exactly as given. A closed pipe surfaces as an
    /// `io::Error` of kind `BrokenPipe`, which `main` treats as success.
    #[expect(clippy::unused_self, reason = "every write to stdout goes through the printer, so each site names it")]
    pub(crate) fn out(self, text: &str) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()
    }

    /// One compact JSON document and a newline, in a single write so that
    /// parallel invocations sharing a pipe do not interleave inside a line.
    pub(crate) fn json<T: Serialize + ?Sized>(self, value: &T) -> anyhow::Result<()> {
        let mut line = serde_json::to_string(value)?;
        line.push('\n');
        Ok(self.out(&line)?)
    }

    /// One diagnostic line: the message's control characters escaped (it may hold
    /// text from outside), then the prefix painted.
    #[expect(clippy::unused_self, reason = "every write to stderr goes through the printer, so each site names it")]
    fn err_line(self, prefix: &str, message: &str) {
        let mut stderr = std::io::stderr().lock();
        let message = escape_controls(message);
        let _ = if prefix.is_empty() { writeln!(stderr, "{message}") } else { writeln!(stderr, "{prefix} {message}") };
    }

    pub(crate) fn error(self, message: &str, hints: &[String]) {
        self.err_line(&self.paint(RED_BOLD, "error:"), message);
        for hint in hints {
            self.err_line(&self.paint(CYAN_BOLD, "hint:"), hint);
        }
    }

    /// Text that is not the result, as it is (a model's last words when the task
    /// failed): stderr, under a heading line.
    pub(crate) fn aside(self, heading: &str, text: &str) {
        self.err_line(&self.paint(BOLD, "note:"), heading);
        self.err_line("", text.trim_end_matches(['\n', '\r']));
    }

    pub(crate) fn warn(self, message: &str) {
        self.err_line(&self.paint(YELLOW_BOLD, "warning:"), message);
    }

    pub(crate) fn note(self, message: &str) {
        if !self.quiet {
            self.err_line(&self.paint(BOLD, "note:"), message);
        }
    }

    /// A status line without a prefix (e.g. `waiting for agent …`), silenced by `--quiet`.
    pub(crate) fn status(self, message: &str) {
        if !self.quiet {
            self.err_line("", message);
        }
    }

    pub(crate) fn debug(self, message: &str) {
        if self.verbose {
            let line = escape_controls(message);
            let _ = writeln!(std::io::stderr().lock(), "{}", self.paint(DIM, &line));
        }
    }

    /// Where the transport writes its `-v` lines (already redacted), if anywhere.
    pub(crate) fn trace(self) -> Option<crate::provider::http::Trace> {
        self.verbose.then(|| std::sync::Arc::new(move |line: &str| self.debug(line)) as crate::provider::http::Trace)
    }

    /// How the state backend's waits are told: `waiting for the state lock (held by process 4242)`.
    pub(crate) fn wait_reporter(self) -> crate::state::WaitReporter {
        std::sync::Arc::new(move |what: &str, pid: Option<u32>| {
            let held = pid.map(|p| format!(" (held by process {p})")).unwrap_or_default();
            self.status(&format!("waiting for {what}{held}"));
        })
    }

    /// A spinner on stderr while waiting for a provider; hidden unless stderr is a
    /// terminal, and never with `--quiet`.
    pub(crate) fn spinner(self, message: String) -> indicatif::ProgressBar {
        if self.quiet || !self.stderr_is_tty || self.verbose {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message);
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        bar
    }

    /// A batch's progress bar on stderr (done, failed and running in its message, rate,
    /// ETA): only when stderr is a terminal, and never with `--quiet`.
    pub(crate) fn progress(self, total: u64) -> indicatif::ProgressBar {
        if self.quiet || !self.stderr_is_tty || total == 0 {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} done, {msg} [{elapsed_precise} < {eta}, {per_sec}]",
        ) {
            bar.set_style(style);
        }
        bar
    }

    /// A borderless table: header row, columns separated by two spaces, numbers
    /// right-aligned, no trailing spaces. Linear in the size of the cells (a 20 MB
    /// value is one pass); control characters in cells are escaped, cells with line
    /// breaks take several lines.
    pub(crate) fn table(self, header: &[&str], rows: Vec<Vec<String>>, right_aligned: &[usize]) -> String {
        use unicode_width::UnicodeWidthStr;
        let columns = header.len().max(rows.iter().map(Vec::len).max().unwrap_or(0));
        let split = |cell: &str| -> Vec<String> { cell.split('\n').map(escape_controls).collect() };
        let header_cells: Vec<Vec<String>> = header.iter().map(|h| vec![(*h).to_string()]).collect();
        let body: Vec<Vec<Vec<String>>> = rows.iter().map(|row| row.iter().map(|c| split(c)).collect()).collect();
        let mut widths = vec![0usize; columns];
        for row in std::iter::once(&header_cells).chain(body.iter()) {
            for (index, cell) in row.iter().enumerate() {
                for line in cell {
                    widths[index] = widths[index].max(line.width());
                }
            }
        }
        let mut text = String::new();
        let mut render = |row: &[Vec<String>], bold: bool| {
            let height = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
            for line_index in 0..height {
                let mut line = String::new();
                for (index, width) in widths.iter().enumerate() {
                    let cell = row.get(index).and_then(|c| c.get(line_index)).map_or("", String::as_str);
                    let pad = " ".repeat(width.saturating_sub(cell.width()));
                    let cell =
                        if bold && self.color_stdout { format!("{BOLD}{cell}{BOLD:#}") } else { cell.to_string() };
                    if right_aligned.contains(&index) {
                        line.push_str(&pad);
                        line.push_str(&cell);
                    } else {
                        line.push_str(&cell);
                        line.push_str(&pad);
                    }
                    line.push_str("  ");
                }
                text.push_str(line.trim_end());
                text.push('\n');
            }
        };
        render(&header_cells, true);
        for row in &body {
            render(row, false);
        }
        text
    }
}

/// Text from outside (a server's message, a project name, an imported name) fit for
/// a terminal: control characters other than tab and newline are shown escaped
/// (`\u{1b}`), so a hostile value cannot move the cursor, ring the bell or recolour.
pub(crate) fn escape_controls(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\t' && c != '\n') {
        return text.to_string();
    }
    text.chars()
        .map(|c| if c.is_control() && c != '\t' && c != '\n' { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

/// Streamed text on stdout as it arrives, flushed per delta. Trailing newlines of a
/// delta are held back until more text comes and the end writes exactly one `\n`,
/// so `--stream` and a plain run write the same bytes.
pub(crate) struct TextStream {
    printer: Printer,
    held: HeldNewlines,
    wrote: bool,
    /// The first write error (a closed pipe): later text is dropped.
    pub error: Option<std::io::Error>,
}

impl TextStream {
    pub(crate) fn new(printer: Printer) -> Self {
        Self { printer, held: HeldNewlines::default(), wrote: false, error: None }
    }

    /// End the output: one newline after whatever came (also after a cut stream).
    pub(crate) fn finish(&mut self) {
        if self.wrote && self.error.is_none() {
            self.write("\n");
        }
    }

    fn write(&mut self, text: &str) {
        if self.error.is_none()
            && let Err(err) = self.printer.out(text)
        {
            self.error = Some(err);
        }
    }
}

/// The one-newline rule: trailing newlines are held back until more text comes.
#[derive(Debug, Default)]
pub(crate) struct HeldNewlines {
    pending: String,
}

impl HeldNewlines {
    /// What to write now for `text` (nothing when it is only newlines).
    pub(crate) fn push(&mut self, text: &str) -> Option<String> {
        let body = text.trim_end_matches(['\n', '\r']);
        if body.is_empty() {
            self.pending.push_str(text);
            return None;
        }
        let mut out = std::mem::take(&mut self.pending);
        out.push_str(body);
        self.pending = text[body.len()..].to_string();
        Some(out)
    }
}

impl crate::provider::Deltas for TextStream {
    fn delta(&mut self, text: &str) {
        if let Some(out) = self.held.push(text) {
            self.write(&out);
            self.wrote = true;
        }
    }
    fn committed(&self) -> bool {
        self.wrote
    }
}

/// NDJSON events on stdout (`--events`): one object a line, each with `type`, `time`,
/// `task_id` and `agent_id`.
#[derive(Clone)]
pub(crate) struct EventWriter {
    printer: Printer,
    task_id: std::sync::Arc<str>,
    agent_id: Option<std::sync::Arc<str>>,
    wrote_delta: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl EventWriter {
    pub(crate) fn new(printer: Printer, task_id: &str, agent_id: Option<&str>) -> Self {
        Self {
            printer,
            task_id: task_id.into(),
            agent_id: agent_id.map(Into::into),
            wrote_delta: std::sync::Arc::default(),
        }
    }

    pub(crate) fn emit(&self, kind: &str, fields: serde_json::Value) -> anyhow::Result<()> {
        let mut event = serde_json::Map::new();
        event.insert("type".into(), kind.into());
        event.insert("time".into(), format!("{:.3}", jiff::Timestamp::now()).into());
        event.insert("task_id".into(), self.task_id.as_ref().into());
        event.insert("agent_id".into(), self.agent_id.as_deref().into());
        if let serde_json::Value::Object(fields) = fields {
            event.extend(fields);
        }
        self.printer.json(&event)
    }

    /// Whether any `delta` event went out.
    pub(crate) fn wrote_delta(&self) -> bool {
        self.wrote_delta.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl crate::provider::Deltas for EventWriter {
    fn delta(&mut self, text: &str) {
        if self.emit("delta", serde_json::json!({ "text": text })).is_ok() {
            self.wrote_delta.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    fn committed(&self) -> bool {
        self.wrote_delta()
    }
    fn start(&mut self) {
        let _ = self.emit("start", serde_json::json!({}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a TextStream writes for some deltas: its newline rule, then the final `\n`.
    fn streamed(deltas: &[&str]) -> String {
        let mut held = HeldNewlines::default();
        let mut out: String = deltas.iter().filter_map(|text| held.push(text)).collect();
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }

    #[test]
    fn streaming_writes_what_a_plain_run_writes() {
        let whole = "\nHello,\n\nworld.\n\n";
        let plain = format!("{}\n", whole.trim_end_matches(['\n', '\r']));
        for deltas in [vec!["\nHello,\n", "\n", "world.\n\n"], vec!["\n", "Hel", "lo,\n\nwor", "ld.", "\n", "\n"]] {
            assert_eq!(streamed(&deltas), plain, "{deltas:?}");
        }
    }
}
