//! Units as agentry reads and words them: the one DURATION and SIZE grammars of flags,
//! variables and providers.toml, durations and sizes in messages (`10 s`, `500 ms`,
//! `64 MiB`), and a message folded to one line. A leaf, used from the command edge down
//! to the state without tying those layers to each other.

use std::time::Duration;

/// The longest DURATION anywhere: 100 years (`36500d`).
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(36_500 * 86_400);

/// A DURATION, the one grammar of flags, variables and providers.toml alike: a
/// number (`90`, `1.5`, `1e3`) with `ms`, `s`, `m`, `h` or `d`, or a bare number of
/// seconds; zero, or from 1 ms to [`MAX_DURATION`]. Anything else is `None`.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (number, scale) = [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0), ("d", 86_400.0)]
        .iter()
        .find_map(|(unit, scale)| text.strip_suffix(unit).map(|n| (n.trim_end(), *scale)))
        .unwrap_or((text, 1.0));
    // `inf`, `nan` and signs parse as floats; none is a duration.
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+')) {
        return None;
    }
    duration_from_secs(number.parse::<f64>().ok()? * scale)
}

/// Seconds as a DURATION under the same rule (a number in providers.toml).
pub(crate) fn duration_from_secs(secs: f64) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 || (secs > 0.0 && secs < 0.001) {
        return None;
    }
    Duration::try_from_secs_f64(secs).ok().filter(|d| *d <= MAX_DURATION)
}

/// A duration as messages say it: `10 s`, `500 ms`.
pub(crate) fn duration_words(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{} ms", d.as_millis()) }
}

/// A SIZE, the one grammar everywhere: bytes, or a number (`1.5` allowed) with `B`,
/// `KB`, `MB`, `GB`, `TB`, `PB` (powers of 1000) or `KiB`, `MiB`, `GiB`, `TiB`, `PiB`
/// (powers of 1024), case-insensitive; at most 2^64 - 1 bytes.
pub(crate) fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if number.is_empty() {
        return None;
    }
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "kib" => 1024.0,
        "mb" => 1e6,
        "mib" => 1024f64.powi(2),
        "gb" => 1e9,
        "gib" => 1024f64.powi(3),
        "tb" => 1e12,
        "tib" => 1024f64.powi(4),
        "pb" => 1e15,
        "pib" => 1024f64.powi(5),
        _ => return None,
    };
    if let Ok(whole) = number.parse::<u64>() {
        return whole.checked_mul(scale as u64);
    }
    let bytes = number.parse::<f64>().ok()? * scale;
    (bytes.is_finite() && bytes >= 0.0 && bytes < u64::MAX as f64).then(|| bytes.round() as u64)
}

/// Sizes in messages: `16 MiB`, `512 KiB`, `100 bytes`.
pub(crate) fn size_words(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Collapse whitespace runs that contain line breaks so every error stays one line.
pub(crate) fn one_line(text: &str) -> String {
    if !text.contains(['\n', '\r']) {
        return text.trim().to_string();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes() {
        assert_eq!(parse_duration("60"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1.5m"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("90d"), Some(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_duration("1e9s"), Some(Duration::from_secs(1_000_000_000)));
        assert_eq!(parse_duration("36500d"), Some(MAX_DURATION));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        for bad in ["", "s", "-1", "-1s", "1x", "ten", "inf", "nan", "0.5ms", "0.0001", "9999999999999d", "36501d"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(parse_size("32MiB"), Some(32 << 20));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("2KB"), Some(2000));
        assert_eq!(parse_size("1TiB"), Some(1 << 40));
        assert_eq!(parse_size("1PB"), Some(1_000_000_000_000_000));
        assert_eq!(parse_size("1.5gb"), Some(1_500_000_000));
        assert_eq!(parse_size("1ZB"), None);
        assert_eq!(parse_size("99999PiB"), None);
    }
}
