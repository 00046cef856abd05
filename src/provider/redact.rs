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

pub use crate::safe_url::SafeUrl;

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

/// Every form in which a server may echo a secret back: as sent, URL-encoded (`%20`
/// and `+` for a space, upper- and lower-case hex), JSON-escaped (with `\/` and with
/// `\uXXXX` for non-ASCII), and base64 (standard and URL-safe, padded or not; for
/// `user:password` also the `Basic` header form, which contains it).
fn encoded_forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let mut forms = vec![secret.to_string()];
    // Unreserved characters stay as they are in every URL encoder.
    const URL: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let upper = utf8_percent_encode(secret, URL).to_string();
    forms.push(upper.replace("%20", "+"));
    forms.push(lower_hex(&upper));
    forms.push(lower_hex(&upper).replace("%20", "+"));
    forms.push(upper);
    let json = serde_json::Value::String(secret.to_string()).to_string();
    let json = json.strip_prefix('"').and_then(|j| j.strip_suffix('"')).unwrap_or_default().to_string();
    forms.push(json.replace('/', "\\/"));
    let ascii: String = json
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                c.encode_utf16(&mut [0; 2]).iter().map(|u| format!("\\u{u:04x}")).collect()
            }
        })
        .collect();
    forms.push(ascii.replace('/', "\\/"));
    forms.push(ascii);
    forms.push(json);
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        forms.push(engine.encode(secret.as_bytes()));
    }
    forms
}

/// `%2F` as `%2f`: some servers re-encode with lower-case hex.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut after_percent = 0;
    for c in encoded.chars() {
        if c == '%' {
            after_percent = 2;
            out.push(c);
        } else if after_percent > 0 {
            after_percent -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Redactor {
    /// Also remove `secrets` (a tool server's env and header values).
    pub fn extend(&mut self, secrets: impl IntoIterator<Item = String>) {
        let added = Redactor::new(secrets);
        if added.secrets.is_empty() {
            return;
        }
        self.secrets.extend(added.secrets);
        self.secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        self.secrets.dedup();
    }

    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut secrets: Vec<String> = secrets
            .into_iter()
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .flat_map(|s| encoded_forms(&s))
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a secret that contains another is removed whole.
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Self { secrets }
    }

    /// Whether there is anything to remove (the mock provider has no secrets).
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
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

    /// A JSON value with every secret in its text redacted (a structured answer's
    /// stored copy). Should a redaction break the JSON, the value is stored as null.
    pub fn redact_value(&self, value: &serde_json::Value) -> serde_json::Value {
        let text = value.to_string();
        let redacted = self.redact(&text);
        if redacted == text {
            return value.clone();
        }
        serde_json::from_str(&redacted).unwrap_or(serde_json::Value::Null)
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
        assert_eq!(
            url.secrets(),
            vec!["hunter22".to_string(), "user:hunter22".to_string(), "hunter22".to_string(), "sk-abc".to_string()]
        );
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
    fn basic_auth_and_re_encoded_forms_are_removed() {
        use base64::Engine as _;
        let url = SafeUrl::parse("https://alice:p%40ss%20word@h.example/v1").expect("url");
        let redactor = Redactor::new(url.secrets());
        let basic = base64::engine::general_purpose::STANDARD.encode("alice:p@ss word");
        for echoed in [
            format!("Authorization: Basic {basic}"),
            "p%40ss%20word".to_string(),
            "p%40ss+word".to_string(),
            "p@ss word".to_string(),
        ] {
            let shown = redactor.redact(&echoed);
            assert!(shown.contains(REDACTED) && !shown.contains("ss word") && !shown.contains(&basic), "{shown}");
        }
        let key = Redactor::new(["sk-a/b+c d\"".to_string()]);
        for echoed in ["sk-a\\/b+c d\\\"", "sk-a%2Fb%2Bc%20d%22", "sk-a%2fb%2bc+d%22"] {
            assert_eq!(key.redact(echoed), REDACTED, "{echoed}");
        }
    }

    #[test]
    fn short_values_are_not_treated_as_secrets() {
        let redactor = Redactor::new(["on".to_string()]);
        assert_eq!(redactor.redact("done"), "done");
    }
}
