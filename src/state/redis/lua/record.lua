local p = cjson.decode(ARGV[2])
local applied = 0
for _, r in ipairs(p.records) do
  if redis.call('SET', ns .. ':done:' .. r.id, '1', 'NX', 'EX', p.done_ttl) then
    if r.line ~= '' then redis.call('XADD', ns .. ':history', '*', 'r', r.line) end
    for _, t in ipairs(r.targets) do
      local live = true
      if t.agent then live = redis.call('HEXISTS', ns .. ':agents', t.agent) == 1 end
      if live then
        local key = ns .. ':' .. t.key
        for _, f in ipairs(t.fields) do
          if f[2] == 'i' then redis.call('HINCRBY', key, f[1], f[3])
          elseif f[2] == 'f' then fadd(key, f[1], f[3])
          else redis.call('HSET', key, f[1], f[3]) end
        end
        if t.set then redis.call('SADD', ns .. ':' .. t.set, t.member) end
      end
    end
    applied = applied + 1
  end
end
if applied > 0 then
  redis.call('XTRIM', ns .. ':history', 'MAXLEN', p.max_entries)
  local cutoff = now_ms() - p.max_age_ms
  if cutoff > 0 then redis.call('XTRIM', ns .. ':history', 'MINID', tostring(cutoff)) end
end
return applied
