//! Prices: a table built into the binary (`prices.tsv`, from litellm's price list; see
//! `scripts/prices.py`), a provider's own `[providers.ID.pricing]`, and the rules that
//! find a model's price offline. An unknown price is `None`, never 0; the mock costs
//! exactly 0.

use crate::provider::{Price, Provider, ProviderKind};
pub(crate) use crate::request::PriceSource;
use crate::request::Usage;

const TABLE_TEXT: &str = include_str!("prices.tsv");

/// The table's lines after its `#` header, sorted by key (`scripts/prices.py` writes
/// them so, and a test holds it to that): a lookup is a binary search over the text
/// itself, and only the line found is parsed. Building a map of every model, or even a
/// list of the lines, on each run cost more than the rest of a task's bookkeeping.
fn data() -> &'static [u8] {
    let mut rest = TABLE_TEXT.as_bytes();
    while rest.first() == Some(&b'#') {
        rest = memchr::memchr(b'\n', rest).map_or(&[][..], |at| &rest[at + 1..]);
    }
    rest
}

fn key_of(line: &str) -> &str {
    line.split_once('\t').map_or(line, |(key, _)| key)
}

fn parse_line(line: &str) -> Option<Price> {
    let number = |field: Option<&str>| field.filter(|f| !f.is_empty()).and_then(|f| f.parse::<f64>().ok());
    let mut fields = line.split('\t').skip(1);
    let input = number(fields.next())?;
    let output = number(fields.next())?;
    let cached_input = number(fields.next());
    let context_window = fields.next().and_then(|f| f.parse().ok());
    let batch_input = number(fields.next());
    let batch_output = number(fields.next());
    Some(Price { input, output, cached_input, context_window, batch_input, batch_output })
}

/// The built-in price of exactly `key`: a binary search over the bytes of the sorted
/// lines, each probe widened to the line it falls in.
fn table(key: &str) -> Option<Price> {
    let text = data();
    // Invariant: every line that may hold `key` starts in lo..hi.
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = memchr::memrchr(b'\n', &text[lo..mid]).map_or(lo, |at| lo + at + 1);
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |at| start + at);
        let line = std::str::from_utf8(&text[start..end]).ok()?;
        match key_of(line).cmp(key) {
            std::cmp::Ordering::Equal => return parse_line(line),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

/// litellm keys most vendors with a prefix while their APIs report the bare id: the
/// vendor, from the endpoint's host.
fn vendor(provider: &Provider) -> Option<&'static str> {
    let host = provider.endpoint.expose().host_str()?.to_ascii_lowercase();
    let is = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    [
        ("mistral.ai", "mistral"),
        ("groq.com", "groq"),
        ("together.xyz", "together_ai"),
        ("together.ai", "together_ai"),
        ("deepseek.com", "deepseek"),
        ("openrouter.ai", "openrouter"),
    ]
    .into_iter()
    .find(|(domain, _)| is(domain))
    .map(|(_, vendor)| vendor)
}

/// The names to look a model up by: `vendor/model`, the model, and (OpenRouter's
/// `vendor/model` ids) the model without its own prefix.
fn names(vendor: Option<&str>, model: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(vendor) = vendor {
        names.push(format!("{vendor}/{model}"));
    }
    names.push(model.to_string());
    if let Some((_, bare)) = model.split_once('/') {
        names.push(bare.to_string());
    }
    names
}

/// The longest table key that is a prefix of `name` ending at a `-`, `.`, `:` or `@`
/// boundary: `gpt-4o-2024-08-06` finds `gpt-4o`; `gpt-4o-x` never finds `gpt-4`.
fn longest_prefix(name: &str) -> Option<Price> {
    name.char_indices()
        .rev()
        .filter(|(_, c)| matches!(c, '-' | '.' | ':' | '@'))
        .map(|(at, _)| &name[..at])
        .find_map(table)
}

/// The price of a call: the provider's own pricing, else the model the response
/// reports, then the configured model, exactly, then by the longest prefix.
pub(crate) fn lookup(provider: &Provider, reported: Option<&str>, configured: &str) -> (Option<Price>, PriceSource) {
    if provider.kind == ProviderKind::Mock {
        return (
            Some(Price {
                input: 0.0,
                output: 0.0,
                cached_input: None,
                context_window: None,
                batch_input: None,
                batch_output: None,
            }),
            PriceSource::Pricing,
        );
    }
    if let Some(price) = provider.pricing {
        return (Some(price), PriceSource::Pricing);
    }
    let vendor = vendor(provider);
    let models: Vec<&str> = reported.into_iter().chain(std::iter::once(configured)).filter(|m| !m.is_empty()).collect();
    for model in &models {
        if let Some(price) = names(vendor, model).iter().find_map(|name| table(name)) {
            return (Some(price), PriceSource::Table);
        }
    }
    for model in &models {
        if let Some(price) = names(vendor, model).iter().find_map(|name| longest_prefix(name)) {
            return (Some(price), PriceSource::Prefix);
        }
    }
    (None, PriceSource::None)
}

/// The context window the table knows for a provider's model, for context-length
/// failover when `context_window` is not set.
pub(crate) fn context_window(provider: &Provider, model: &str) -> Option<u64> {
    provider.context_window.or_else(|| lookup(provider, None, model).0.and_then(|p| p.context_window))
}

/// What `usage` of a provider's model cost, priced once: the model the server
/// reported, else the one asked for.
pub(crate) fn price(
    provider: &Provider,
    reported: Option<&str>,
    configured: &str,
    usage: &Usage,
) -> crate::request::Cost {
    let (price, source) = lookup(provider, reported, configured);
    crate::request::Cost { usd: price.map(|p| cost(&p, usage)), source }
}

/// The price of an answer from the provider's batch API: its own batch figures
/// when the table or `pricing` has both (`batch_table`), else half the normal price
/// (`batch_half`), as both OpenAI's Batch API and Anthropic's Message Batches bill.
pub(crate) fn batch_price(
    provider: &Provider,
    reported: Option<&str>,
    configured: &str,
) -> (Option<Price>, PriceSource) {
    let (price, _) = lookup(provider, reported, configured);
    let Some(price) = price else { return (None, PriceSource::None) };
    match (price.batch_input, price.batch_output) {
        (Some(input), Some(output)) => {
            // Cached input is billed at the same discount.
            let cached_input = price.cached_input.map(|c| c * input / price.input.max(f64::MIN_POSITIVE));
            (Some(Price { input, output, cached_input, ..price }), PriceSource::BatchTable)
        }
        _ => (
            Some(Price {
                input: price.input / 2.0,
                output: price.output / 2.0,
                cached_input: price.cached_input.map(|c| c / 2.0),
                ..price
            }),
            PriceSource::BatchHalf,
        ),
    }
}

/// USD for some usage at a price; cached prompt tokens at the cached-input price.
pub(crate) fn cost(price: &Price, usage: &Usage) -> f64 {
    let cached = usage.cached_tokens.min(usage.prompt_tokens);
    let fresh = usage.prompt_tokens - cached;
    let cached_price = price.cached_input.unwrap_or(price.input);
    (fresh as f64 * price.input + cached as f64 * cached_price + usage.completion_tokens as f64 * price.output)
        / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::registry::builtin_mock;

    fn provider(endpoint: &str, model: &str) -> Provider {
        let mut p = builtin_mock();
        p.kind = ProviderKind::Openai;
        p.endpoint = crate::provider::redact::SafeUrl::parse(endpoint).expect("url");
        p.model = model.into();
        p
    }

    #[test]
    fn exact_prefix_vendor_and_unknown() {
        let openai = provider("https://api.openai.com/v1", "gpt-4o");
        let (price, source) = lookup(&openai, Some("gpt-4o-2024-08-06"), "gpt-4o");
        assert_eq!((source, price.map(|p| p.input)), (PriceSource::Table, Some(2.5)));
        let (price, source) = lookup(&openai, Some("gpt-4o-2031-01-01"), "gpt-4o-2031-01-01");
        assert_eq!((source, price.map(|p| p.input)), (PriceSource::Prefix, Some(2.5)), "date suffix by prefix");
        let (price, _) = lookup(&openai, Some("gpt-4o-unknown"), "gpt-4o-unknown");
        assert_ne!(price.map(|p| p.input), Some(30.0), "never priced as gpt-4");
        assert_eq!(lookup(&openai, Some("made-up-model"), "made-up-model"), (None, PriceSource::None));
        let mistral = provider("https://api.mistral.ai/v1", "mistral-small-latest");
        assert_eq!(lookup(&mistral, None, "mistral-small-latest").1, PriceSource::Table, "vendor from the host");
        let router = provider("https://openrouter.ai/api/v1", "openai/gpt-4o-mini");
        assert_eq!(lookup(&router, None, "openai/gpt-4o-mini").0.map(|p| p.input), Some(0.15), "prefix stripped");
        assert_eq!(
            lookup(&builtin_mock(), None, "mock").0.map(|p| cost(
                &p,
                &Usage { prompt_tokens: 9, completion_tokens: 9, total_tokens: 18, ..Usage::default() }
            )),
            Some(0.0)
        );
    }

    #[test]
    fn batch_prices_come_from_the_table_else_half() {
        let openai = provider("https://api.openai.com/v1", "gpt-4o-mini");
        let (price, source) = batch_price(&openai, None, "gpt-4o-mini");
        assert_eq!((source, price.map(|p| (p.input, p.output))), (PriceSource::BatchTable, Some((0.075, 0.3))));
        let mut own = provider("https://h/v1", "house-model");
        own.pricing = Some(Price {
            input: 4.0,
            output: 10.0,
            cached_input: None,
            context_window: None,
            batch_input: None,
            batch_output: None,
        });
        let (price, source) = batch_price(&own, None, "house-model");
        assert_eq!((source, price.map(|p| (p.input, p.output))), (PriceSource::BatchHalf, Some((2.0, 5.0))));
        assert_eq!(batch_price(&provider("https://h/v1", "unknown-x"), None, "unknown-x").1, PriceSource::None);
    }

    #[test]
    fn cost_is_tokens_times_price_with_cached_input() {
        let price = Price {
            input: 2.0,
            output: 8.0,
            cached_input: Some(0.5),
            context_window: None,
            batch_input: None,
            batch_output: None,
        };
        let usage = Usage {
            prompt_tokens: 1_000_000,
            completion_tokens: 500_000,
            total_tokens: 1_500_000,
            cached_tokens: 400_000,
            estimated: false,
        };
        assert!((cost(&price, &usage) - (0.6 * 2.0 + 0.4 * 0.5 + 0.5 * 8.0)).abs() < 1e-9);
        let lines: Vec<&str> = std::str::from_utf8(data()).expect("utf-8").lines().collect();
        assert!(lines.len() > 100);
        for line in &lines {
            assert_eq!(table(key_of(line)), parse_line(line), "every key is found: {line}");
        }
        assert_eq!(table("zzz-not-a-model"), None);
        assert_eq!(table(""), None);
        let raw: Vec<&str> = TABLE_TEXT.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).collect();
        assert!(raw.is_sorted_by_key(|line| key_of(line)), "scripts/prices.py writes prices.tsv sorted by key");
    }
}
