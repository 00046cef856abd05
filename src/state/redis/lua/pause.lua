local now = now_ms()
local k = ns .. ':lim:' .. ARGV[2]
local untl = now + tonumber(ARGV[3])
local nb = tonumber(redis.call('HGET', k, 'nb') or '0')
if untl > nb then redis.call('HSET', k, 'nb', untl) end
local ttl = redis.call('PTTL', k)
if ttl < untl - now + 120000 then redis.call('PEXPIRE', k, untl - now + 120000) end
return 1
