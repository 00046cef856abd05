//! The Lua scripts of the Redis backend, one file each under `lua/` (read with
//! `include_str!`, so they are linted and diffed as Lua), with the library every
//! script starts with. Each script is one atomic step of a `StateBackend` operation;
//! `mod.rs` says which and passes ARGV as the comment above each names.

use std::sync::LazyLock;

use redis::Script;

use super::{DONE_TTL_SECS, SPEND_TTL_SECS};

/// A script of the library ([`LUA_LIB`]) and a body; the lifetimes the Rust side
/// also uses come first, as Lua locals.
fn script(body: &str) -> Script {
    Script::new(&format!("local DONE_TTL_SECS, SPEND_TTL_SECS = {DONE_TTL_SECS}, {SPEND_TTL_SECS}\n{LUA_LIB}\n{body}"))
}

/// A script of the library, the cache's own helpers and a body.
fn cache_script(body: &str) -> Script {
    script(&format!("{CACHE_LIB}\n{body}"))
}

/// Lua shared by the scripts below: the namespace, `map`, `now_ms`, `fadd`.
const LUA_LIB: &str = include_str!("lua/lib.lua");
/// The cache's keys and its `drop` and `expire`.
const CACHE_LIB: &str = include_str!("lua/cache_lib.lua");

pub(super) static RENEW_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/renew.lua")));
pub(super) static RELEASE_SCRIPT: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("lua/release.lua")));
pub(super) static SNAPSHOT: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/snapshot.lua")));
pub(super) static SPAWN: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/spawn.lua")));
/// ARGV: ns, agent id, exchange JSON, turns, max tokens. Returns the exchanges kept.
pub(super) static REMEMBER: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/remember.lua")));
pub(super) static REMOVE: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/remove.lua")));
/// ARGV: ns, payload JSON `{records: [{id, line, targets: [{key, agent?, set?, member?, fields: [[f, kind, v]]}]}],
/// max_entries, max_age_ms, done_ttl}`. A record whose id was counted before is skipped whole.
pub(super) static RECORD: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/record.lua")));
/// ARGV: ns, day, reservation id, usd, lease ms, then (key, limit) pairs.
pub(super) static RESERVE: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/reserve.lua")));
/// ARGV: ns, day, reservation id, usd, then keys. Counted once per reservation id.
pub(super) static SPEND: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/spend.lua")));
/// ARGV: ns, key, rpm or '', tpm or '', tokens. Returns {why, wait ms}: GCRA with a
/// burst of one, as `limits::gcra`, on the server's clock.
pub(super) static ADMIT: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/admit.lua")));
/// ARGV: ns, key, tpm, delta tokens.
pub(super) static CORRECT_TOKENS: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/correct_tokens.lua")));
/// ARGV: ns, key, wait ms. Pauses only grow.
pub(super) static PAUSE: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/pause.lua")));
/// ARGV: ns, instance, wait ms. Cooldowns only grow.
pub(super) static COOL: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/cool.lua")));
/// ARGV: ns, instances... Returns the ms left of each cooldown (0: none).
pub(super) static COOLDOWNS: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/cooldowns.lua")));
/// ARGV: ns, key, json, ttl ms, max bytes, stored_at ms.
pub(super) static CACHE_PUT: LazyLock<Script> = LazyLock::new(|| cache_script(include_str!("lua/cache_put.lua")));
/// ARGV: ns, now minus ttl (ms). Returns {entries, bytes}.
pub(super) static CACHE_STATS: LazyLock<Script> = LazyLock::new(|| cache_script(include_str!("lua/cache_stats.lua")));
pub(super) static CACHE_CLEAR: LazyLock<Script> = LazyLock::new(|| cache_script(include_str!("lua/cache_clear.lua")));
/// ARGV: ns, payload `{agents: [[id, name, json, fields]], replace, providers/series: [[name, fields]],
/// pairs: [[key, n]], day, spend: [[key, usd]], history: [[id, line]]}`. Returns
/// {status, agents, history, skipped}; status is '' or the name of a taken agent.
pub(super) static IMPORT: LazyLock<Script> = LazyLock::new(|| script(include_str!("lua/import.lua")));
