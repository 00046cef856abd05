-- ARGV: ns, agent id, exchange JSON (with its `tokens`), turns, max tokens (0: no
-- limit of that kind). Appends and trims the oldest beyond the limits in one step.
local key = ns .. ':memory:' .. ARGV[2]
redis.call('RPUSH', key, ARGV[3])
local turns, max_tokens = tonumber(ARGV[4]), tonumber(ARGV[5])
if turns > 0 then redis.call('LTRIM', key, -turns, -1) end
if max_tokens > 0 then
  local items = redis.call('LRANGE', key, 0, -1)
  local sizes, total = {}, 0
  for i, item in ipairs(items) do
    local ok, decoded = pcall(cjson.decode, item)
    local t = ok and tonumber(decoded.tokens) or 0
    sizes[i] = t
    total = total + t
  end
  local drop = 0
  while total > max_tokens and drop < #items do
    drop = drop + 1
    total = total - sizes[drop]
  end
  if drop > 0 then redis.call('LTRIM', key, drop, -1) end
end
return redis.call('LLEN', key)
