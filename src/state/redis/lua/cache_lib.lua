local lru, sizes, bytes = ns .. ':cache:lru', ns .. ':cache:size', ns .. ':cache:bytes'
local function drop(key)
  redis.call('DEL', ns .. ':cache:e:' .. key)
  redis.call('ZREM', lru, key)
  local size = tonumber(redis.call('HGET', sizes, key) or '0')
  redis.call('HDEL', sizes, key)
  redis.call('DECRBY', bytes, size)
end
local function expire(before)
  for _, key in ipairs(redis.call('ZRANGEBYSCORE', lru, '-inf', '(' .. before)) do drop(key) end
end
