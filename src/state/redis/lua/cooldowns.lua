local now = now_ms()
local out = {}
for i = 2, #ARGV do
  local untl = tonumber(redis.call('GET', ns .. ':cool:' .. ARGV[i]) or '0')
  out[#out + 1] = math.max(0, untl - now)
end
return out
