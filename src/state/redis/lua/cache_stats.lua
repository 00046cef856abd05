expire(tonumber(ARGV[2]))
return { redis.call('ZCARD', lru), tonumber(redis.call('GET', bytes) or '0') }
