local name, max, id, json, at = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local existing = redis.call('HGET', ns .. ':names', name)
if existing then
  local record = redis.call('HGET', ns .. ':agents', existing)
  if record then return { 'exists', existing } end
end
local count = redis.call('HLEN', ns .. ':agents')
if count >= max then return { 'full', tostring(count) } end
if redis.call('HEXISTS', ns .. ':agents', id) == 1 then return { 'collision', '' } end
redis.call('HSET', ns .. ':agents', id, json)
redis.call('HSET', ns .. ':names', name, id)
redis.call('DEL', ns .. ':t:a:' .. id)
redis.call('HSET', ns .. ':t:a:' .. id, 'last_active', at)
return { 'created', id }
