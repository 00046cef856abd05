//! A URL that cannot leak its credentials: [`SafeUrl`] prints the password and
//! key-like query values as `****` and names them for redactors. A leaf, used by
//! the provider endpoints and by the Redis state URL alike.

use std::fmt;

/// Query parameters whose values look like credentials (`?api-key=…`, `?sig=…`).
fn is_sensitive_query(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["key", "token", "secret", "sig", "password", "auth", "credential"].iter().any(|w| lower.contains(w))
}

/// A URL that never prints a password or a key-like query value. Only the code that
/// connects reads the real URL, through [`SafeUrl::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct SafeUrl(reqwest::Url, Userinfo);

/// What a lone userinfo part (`scheme://word@host`) is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Userinfo {
    /// A user name, shown (HTTP's reading).
    User,
    /// A password (Redis's reading: `redis://secret@host` authenticates with it).
    Password,
}

impl SafeUrl {
    pub fn parse(text: &str) -> Result<Self, url_error::Invalid> {
        reqwest::Url::parse(text).map(|url| Self(url, Userinfo::User)).map_err(|_| url_error::Invalid)
    }

    /// A URL of a server that reads a lone userinfo part as a password (Redis).
    pub fn parse_lone_password(text: &str) -> Result<Self, url_error::Invalid> {
        reqwest::Url::parse(text).map(|url| Self(url, Userinfo::Password)).map_err(|_| url_error::Invalid)
    }

    pub fn from_url(url: reqwest::Url) -> Self {
        Self(url, Userinfo::User)
    }

    /// The userinfo part that is a password: the password, or a lone user name when
    /// this URL's server reads it so.
    fn password(&self) -> Option<&str> {
        match (self.0.password(), self.1) {
            (Some(password), _) => Some(password),
            (None, Userinfo::Password) if !self.0.username().is_empty() => Some(self.0.username()),
            (None, _) => None,
        }
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
        Self(url, self.1)
    }

    /// The parts of the URL that are secrets, for the body redactor: the password
    /// (as written and decoded), `user:password` (what `Authorization: Basic` carries,
    /// base64-encoded; the redactor adds that form), and key-like query values.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        if let Some(password) = self.password() {
            secrets.push(password.to_string());
            let decoded = percent_decode(password);
            if self.0.password().is_some() {
                let user = percent_decode(self.0.username());
                secrets.push(format!("{user}:{decoded}"));
            }
            secrets.push(decoded);
        }
        for (name, value) in self.0.query_pairs() {
            if is_sensitive_query(&name) {
                secrets.push(value.into_owned());
            }
        }
        secrets
    }

    /// Scheme, host and port only: what a message may show of a URL that came from
    /// outside (a redirect target), whose path or query may carry a key.
    pub fn origin(&self) -> String {
        self.0.origin().ascii_serialization()
    }
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("****"));
        } else if self.password().is_some() {
            let _ = shown.set_username("****");
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

pub(crate) mod url_error {
    /// The text is not a URL; the value itself is never echoed (it may hold a secret).
    #[derive(Debug)]
    pub struct Invalid;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_urls_hide_their_password_however_written() {
        let shown = |url: &str| SafeUrl::parse_lone_password(url).expect("url").to_string();
        assert_eq!(shown("redis://:hunter2@db:6379/0"), "redis://:****@db:6379/0");
        assert_eq!(shown("rediss://ci:hunter2@db/1"), "rediss://ci:****@db/1");
        assert_eq!(shown("redis://hunter2@db"), "redis://****@db");
        assert_eq!(shown("redis://db:6379"), "redis://db:6379");
        assert_eq!(shown("redis+unix:///run/redis.sock"), "redis+unix:///run/redis.sock");
        let url = SafeUrl::parse_lone_password("redis://ci:p%40ss@db/1").expect("url");
        assert!(url.secrets().contains(&"p%40ss".to_string()) && url.secrets().contains(&"p@ss".to_string()));
        let lone = SafeUrl::parse_lone_password("redis://hunter2@db").expect("url");
        assert_eq!(lone.secrets(), ["hunter2", "hunter2"]);
        assert_eq!(SafeUrl::parse("https://alice@h/v1").expect("url").to_string(), "https://alice@h/v1");
    }
}
