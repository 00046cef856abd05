local keys = redis.call('ZRANGE', lru, 0, -1)
for _, key in ipairs(keys) do redis.call('DEL', ns .. ':cache:e:' .. key) end
redis.call('DEL', lru, sizes, bytes)
return #keys
