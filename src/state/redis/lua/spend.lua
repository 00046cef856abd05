local day, id, usd = ARGV[2], ARGV[3], ARGV[4]
if redis.call('SET', ns .. ':done:spend:' .. id, '1', 'NX', 'EX', DONE_TTL_SECS) then
  for i = 5, #ARGV do
    redis.call('HDEL', ns .. ':resv:' .. ARGV[i], id)
    if tonumber(usd) > 0 then fadd(ns .. ':spend:' .. day, ARGV[i], usd) end
  end
  redis.call('EXPIRE', ns .. ':spend:' .. day, SPEND_TTL_SECS)
end
redis.call('DEL', ns .. ':live:' .. id)
return 1
