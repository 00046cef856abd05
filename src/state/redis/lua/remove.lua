local id, name = ARGV[2], ARGV[3]
local json = redis.call('HGET', ns .. ':agents', id)
if not json then return false end
redis.call('HDEL', ns .. ':agents', id)
if redis.call('HGET', ns .. ':names', name) == id then redis.call('HDEL', ns .. ':names', name) end
redis.call('DEL', ns .. ':t:a:' .. id)
redis.call('DEL', ns .. ':memory:' .. id)
return json
