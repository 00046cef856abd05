//! Errors that decide the exit code. Anything that is not a [`Failure`] is an
//! internal error (exit 1); `main` is the one place that turns errors into codes.

use std::fmt;

/// The documented exit codes. Later features reuse these numbers; do not renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    #[allow(dead_code)]
    Success = 0,
    Internal = 1,
    Usage = 2,
    NotFound = 3,
    Provider = 4,
    Deadline = 5,
    #[allow(dead_code)]
    Partial = 6,
    #[allow(dead_code)]
    Budget = 7,
    #[allow(dead_code)]
    BatchFailed = 8,
    #[allow(dead_code)]
    Cancelled = 9,
    Interrupted = 130,
    Terminated = 143,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The signal behind an interrupted exit, as users know it.
    pub fn signal_name(self) -> &'static str {
        if self == Exit::Terminated { "SIGTERM" } else { "SIGINT" }
    }
}

/// An error the user can act on: one message line, optional hints, an exit code.
#[derive(Debug, thiserror::Error)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hints: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self { exit, message: one_line(&message.into()), hints: Vec::new() }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Exit::NotFound, message)
    }
    pub fn provider(message: impl Into<String>) -> Self {
        Self::new(Exit::Provider, message)
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(one_line(&hint.into()));
        self
    }
}

/// Collapse whitespace runs that contain line breaks so every error stays one line.
pub fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.trim().to_string();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exit code and the lines to print for any error that reaches `main`.
pub fn classify(err: &anyhow::Error) -> (Exit, String, Vec<String>) {
    if let Some(failure) = err.downcast_ref::<Failure>() {
        return (failure.exit, failure.message.clone(), failure.hints.clone());
    }
    let message = err.chain().map(|c| one_line(&c.to_string())).collect::<Vec<_>>().join(": ");
    (Exit::Internal, message, Vec::new())
}

/// True when the error is a write to a closed stdout (`agentry … | head`), which is success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
