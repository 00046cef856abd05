//! Secrets and URLs as types that cannot print themselves, and the one function that
//! every body-derived text goes through before it is shown, logged or recorded.

use std::fmt;

use serde::Deserialize;

/// What a secret reads as wherever one would be printed.
pub const REDACTED: &str = "(redacted)";

/// Secrets shorter than this are not searched for in bodies: redacting every `1` or
/// `on` would garble messages, and no real key is that short.
const MIN_SECRET_LEN: usize = 4;

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: String) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Headers whose values are safe to show. Any other header set in `headers` may carry
/// a credential (`X-Api-Key`, `api-key`, a proxy token), so its value is redacted.
pub fn is_harmless_header(name: &str) -> bool {
    const HARMLESS: &[&str] = &[
        "accept",
        "accept-language",
        "anthropic-beta",
        "anthropic-version",
        "content-type",
        "http-referer",
        "openai-beta",
        "openai-organization",
        "openai-project",
        "referer",
        "user-agent",
        "x-title",
    ];
    HARMLESS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Query parameters whose values look like credentials (`?api-key=…`, `?sig=…`).
fn is_sensitive_query(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["key", "token", "secret", "sig", "password", "auth", "credential"].iter().any(|w| lower.contains(w))
}

/// An endpoint that never prints a password or a key-like query value. Only the
/// transport reads the real URL, through [`SafeUrl::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct SafeUrl(reqwest::Url);

impl SafeUrl {
    pub fn parse(text: &str) -> Result<Self, url_error::Invalid> {
        reqwest::Url::parse(text).map(Self).map_err(|_| url_error::Invalid)
    }

    pub fn from_url(url: reqwest::Url) -> Self {
        Self(url)
    }

    pub fn expose(&self) -> &reqwest::Url {
        &self.0
    }

    pub fn scheme(&self) -> &str {
        self.0.scheme()
    }

    /// Append path segments, keeping the query: `https://h/v1?api-version=X` joined
    /// with `chat/completions` is `https://h/v1/chat/completions?api-version=X`.
    pub fn join(&self, path: &str) -> Self {
        let mut url = self.0.clone();
        let base = url.path().trim_end_matches('/').to_string();
        let tail = path.trim_start_matches('/');
        url.set_path(&format!("{base}/{tail}"));
        Self(url)
    }

    /// The parts of the URL that are secrets, for the body redactor.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Some(password) = self.0.password() {
            secrets.push(password.to_string());
            if let Ok(decoded) = percent_decode(password) {
                secrets.push(decoded);
            }
        }
        for (name, value) in self.0.query_pairs() {
            if is_sensitive_query(&name) {
                secrets.push(value.into_owned());
            }
        }
        secrets
    }
}

fn percent_decode(text: &str) -> Result<String, ()> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).map_err(|_| ())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| ())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ())
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("****"));
        }
        if shown.query().is_some() {
            let pairs: Vec<(String, String)> = shown
                .query_pairs()
                .map(|(k, v)| {
                    let v = if is_sensitive_query(&k) { "****".to_string() } else { v.into_owned() };
                    (k.into_owned(), v)
                })
                .collect();
            shown.query_pairs_mut().clear().extend_pairs(pairs);
        }
        f.write_str(shown.as_str().trim_end_matches('/'))
    }
}

impl fmt::Debug for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

pub mod url_error {
    /// The text is not a URL; the value itself is never echoed (it may hold a secret).
    #[derive(Debug)]
    pub struct Invalid;
}

/// Removes every known secret from text that came from outside (a body, a header, a
/// server's error message) before it is cut, shown, logged or recorded. Redacting
/// before cutting matters: a key straddling the cut would otherwise print half of itself.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| s.len() >= MIN_SECRET_LEN).collect();
        // Longest first, so a secret that contains another is removed whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// One line of at most `max_chars` characters: whitespace folded, secrets
    /// removed first, then cut with `…`.
    pub fn excerpt(&self, text: &str, max_chars: usize) -> String {
        let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let clean = self.redact(&line);
        let mut short: String = clean.chars().take(max_chars).collect();
        if short.len() < clean.len() {
            short.push('…');
        }
        short
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_display_hides_password_and_key_like_query_values() {
        let url = SafeUrl::parse("https://user:hunter22@h.example/v1?api-version=2024&api-key=sk-abc").expect("url");
        let shown = url.to_string();
        assert!(!shown.contains("hunter22") && !shown.contains("sk-abc"), "{shown}");
        assert!(shown.contains("api-version=2024"), "{shown}");
        assert_eq!(url.secrets(), vec!["hunter22".to_string(), "hunter22".to_string(), "sk-abc".to_string()]);
    }

    #[test]
    fn join_keeps_the_query() {
        let url = SafeUrl::parse("https://h/openai/v1/?api-version=X").expect("url");
        assert_eq!(
            url.join("chat/completions").expose().as_str(),
            "https://h/openai/v1/chat/completions?api-version=X"
        );
        let url = SafeUrl::parse("http://h/v1").expect("url");
        assert_eq!(url.join("/models").expose().as_str(), "http://h/v1/models");
    }

    #[test]
    fn excerpt_redacts_before_cutting() {
        let key = "sk-0123456789abcdef";
        let redactor = Redactor::new([key.to_string()]);
        let body = format!("{}{key} tail", "x".repeat(15));
        let cut = redactor.excerpt(&body, 20);
        assert!(!cut.contains("sk-0123"), "{cut}");
        assert!(cut.starts_with("xxxxxxxxxxxxxxx(red"), "{cut}");
    }

    #[test]
    fn short_values_are_not_treated_as_secrets() {
        let redactor = Redactor::new(["on".to_string()]);
        assert_eq!(redactor.redact("done"), "done");
    }
}
