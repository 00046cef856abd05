local ns = ARGV[1]
local function map(flat) local m = {} for i = 1, #flat, 2 do m[flat[i]] = flat[i + 1] end return m end
local function now_ms() local t = redis.call('TIME') return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end
-- Money is added as doubles and kept with 17 digits, so it reads back exactly what
-- the file backend would hold (HINCRBYFLOAT rounds through long double).
local function fadd(key, field, v)
  local cur = tonumber(redis.call('HGET', key, field) or '0') or 0
  redis.call('HSET', key, field, string.format('%.17g', cur + tonumber(v)))
end
