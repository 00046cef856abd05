local key, json, ttl, max, at = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local old = tonumber(redis.call('HGET', sizes, key) or '0')
redis.call('SET', ns .. ':cache:e:' .. key, json, 'PX', ttl)
redis.call('ZADD', lru, at, key)
redis.call('HSET', sizes, key, #json)
redis.call('INCRBY', bytes, #json - old)
expire(at - ttl)
while tonumber(redis.call('GET', bytes) or '0') > max do
  local oldest = redis.call('ZRANGE', lru, 0, 0)
  if #oldest == 0 then break end
  drop(oldest[1])
end
return 1
