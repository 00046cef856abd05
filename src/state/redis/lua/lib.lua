local ns = ARGV[1]
local function map(flat) local m = {} for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end return m end
local function now_ms() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
-- Money is added as doubles and kept with 17 digits, so it reads back exactly what
-- the file backend would hold (HINCRBYFLOAT rounds through long double).
local function fadd(key, field, v)
  local cur = tonumber(redis.call('HGET', key, field) or '0') or 0
  redis.call('HSET', key, field, string.format('%.17g', cur + tonumber(v)))
end
-- GCRA for `cost` units against `per_minute` a minute, paced evenly with a burst of
-- one: 'now' and the new arrival time, or 'wait' and when to come back. The same
-- decision as limits::gcra in Rust; one table of cases tests both (tests/redis.rs).
local function gcra(tat, now, per_minute, cost)
  tat = tat or now
  if tat > now then return 'wait', tat end
  return 'now', now + math.floor(60000 / per_minute * cost)
end
