local day, id, usd, lease = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
for i = 6, #ARGV, 2 do
  local key, limit = ARGV[i], tonumber(ARGV[i + 1])
  local spent = tonumber(redis.call('HGET', ns .. ':spend:' .. day, key) or '0')
  local reserved = 0
  local held = redis.call('HGETALL', ns .. ':resv:' .. key)
  for j = 1, #held, 2 do
    if redis.call('EXISTS', ns .. ':live:' .. held[j]) == 1 then reserved = reserved + tonumber(held[j + 1])
    else redis.call('HDEL', ns .. ':resv:' .. key, held[j]) end
  end
  if spent + reserved + usd > limit + 1e-12 then
    return { key, string.format('%.17g', limit), string.format('%.17g', spent), string.format('%.17g', reserved) }
  end
end
for i = 6, #ARGV, 2 do redis.call('HSET', ns .. ':resv:' .. ARGV[i], id, ARGV[4]) end
redis.call('SET', ns .. ':live:' .. id, id, 'PX', lease)
return {}
