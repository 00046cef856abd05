local now = now_ms()
local k = ns .. ':lim:' .. ARGV[2]
local tat = tonumber(redis.call('HGET', k, 'tpm') or '')
if not tat then return 0 end
local moved = tat + math.floor(60000 / tonumber(ARGV[3]) * tonumber(ARGV[4]))
redis.call('HSET', k, 'tpm', math.max(moved, math.min(now, tat)))
return 1
