//! The clock as agentry reads it: timestamps in records (RFC 3339, UTC, milliseconds),
//! milliseconds since the epoch for limits and leases, and the UTC day budgets are
//! kept by. One place, so every layer reads the same clock the same way.

/// Now as records write it: `2026-12-03T20:44:30.123Z`.
pub(crate) fn now() -> String {
    format!("{:.3}", jiff::Timestamp::now())
}

/// Milliseconds since the epoch: the clock limits are kept in.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The UTC day budgets are kept by (`YYYY-MM-DD`).
pub(crate) fn utc_day() -> String {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date().to_string()
}
