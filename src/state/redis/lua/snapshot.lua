local out = { agents = {}, providers = {}, series = {}, pairs = map(redis.call('HGETALL', ns .. ':pairs')) }
local agents = redis.call('HGETALL', ns .. ':agents')
for i = 1, #agents, 2 do
  table.insert(out.agents, { agents[i + 1], map(redis.call('HGETALL', ns .. ':t:a:' .. agents[i])) })
end
for _, p in ipairs(redis.call('SMEMBERS', ns .. ':providers')) do out.providers[p] = map(redis.call('HGETALL', ns .. ':t:p:' .. p)) end
for _, s in ipairs(redis.call('SMEMBERS', ns .. ':series')) do out.series[s] = map(redis.call('HGETALL', ns .. ':t:s:' .. s)) end
return cjson.encode(out)
