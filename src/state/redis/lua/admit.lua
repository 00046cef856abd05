local now = now_ms()
local k = ns .. ':lim:' .. ARGV[2]
local v = redis.call('HMGET', k, 'nb', 'rpm', 'tpm')
local nb = tonumber(v[1])
if nb and nb > now then return { 'paused', nb - now } end
local rpm, tpm = tonumber(ARGV[3]), tonumber(ARGV[4])
if not rpm and not tpm then return { 'now', 0 } end
local rpm_tat, tpm_tat
if rpm then
  local gate, at = gcra(tonumber(v[2]), now, rpm, 1)
  if gate == 'wait' then return { 'rpm', at - now } end
  rpm_tat = at
end
if tpm then
  local gate, at = gcra(tonumber(v[3]), now, tpm, tonumber(ARGV[5]))
  if gate == 'wait' then return { 'tpm', at - now } end
  tpm_tat = at
end
local last = now
if rpm_tat then redis.call('HSET', k, 'rpm', rpm_tat) last = math.max(last, rpm_tat) end
if tpm_tat then redis.call('HSET', k, 'tpm', tpm_tat) last = math.max(last, tpm_tat) end
redis.call('PEXPIRE', k, last - now + 120000)
return { 'now', 0 }
