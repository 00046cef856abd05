local now = now_ms()
local k = ns .. ':cool:' .. ARGV[2]
local untl = now + tonumber(ARGV[3])
local cur = tonumber(redis.call('GET', k) or '0')
if untl > cur then redis.call('SET', k, untl, 'PX', math.max(1, untl - now)) end
return 1
