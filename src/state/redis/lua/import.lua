local p = cjson.decode(ARGV[2])
if not p.replace then
  for _, a in ipairs(p.agents) do
    if redis.call('HEXISTS', ns .. ':names', a[2]) == 1 or redis.call('HEXISTS', ns .. ':agents', a[1]) == 1 then
      return { a[2], 0, 0, 0 }
    end
  end
end
local function put(key, fields)
  for _, f in ipairs(fields) do
    if f[2] == 'i' then redis.call('HINCRBY', key, f[1], f[3])
    elseif f[2] == 'f' then fadd(key, f[1], f[3])
    else redis.call('HSET', key, f[1], f[3]) end
  end
end
for _, a in ipairs(p.agents) do
  local old = redis.call('HGET', ns .. ':names', a[2])
  if old then redis.call('HDEL', ns .. ':agents', old) redis.call('DEL', ns .. ':t:a:' .. old) end
  redis.call('HSET', ns .. ':agents', a[1], a[3])
  redis.call('HSET', ns .. ':names', a[2], a[1])
  redis.call('DEL', ns .. ':t:a:' .. a[1])
  put(ns .. ':t:a:' .. a[1], a[4])
end
for _, x in ipairs(p.providers) do put(ns .. ':t:p:' .. x[1], x[2]) redis.call('SADD', ns .. ':providers', x[1]) end
for _, x in ipairs(p.series) do put(ns .. ':t:s:' .. x[1], x[2]) redis.call('SADD', ns .. ':series', x[1]) end
for _, x in ipairs(p.pairs) do redis.call('HINCRBY', ns .. ':pairs', x[1], x[2]) end
for _, x in ipairs(p.spend) do fadd(ns .. ':spend:' .. p.day, x[1], x[2]) end
if #p.spend > 0 then redis.call('EXPIRE', ns .. ':spend:' .. p.day, SPEND_TTL_SECS) end
local loaded, skipped = 0, 0
for _, h in ipairs(p.history) do
  if redis.call('SET', ns .. ':done:' .. h[1], '1', 'NX', 'EX', DONE_TTL_SECS) then
    redis.call('XADD', ns .. ':history', '*', 'r', h[2])
    loaded = loaded + 1
  else
    skipped = skipped + 1
  end
end
return { '', #p.agents, loaded, skipped }
