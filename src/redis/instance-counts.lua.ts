/**
 * Lua for counts kept per instance in a hash: one field per instance,
 * `count:expiresAtMs`. Instances refresh their fields while the count holds,
 * so the field of an instance that died expires by itself; `live_total()`
 * skips (and removes) expired fields. `now` is Redis's clock.
 */
export const INSTANCE_COUNTS_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function live_total()
  local sum = 0
  local fields = redis.call('HGETALL', KEYS[1])
  for i = 1, #fields, 2 do
    local count, expires = string.match(fields[i + 1], '^(%d+):(%d+)$')
    if count and tonumber(expires) > now then
      sum = sum + tonumber(count)
    else
      redis.call('HDEL', KEYS[1], fields[i])
    end
  end
  return sum
end
local function write_count(instance, count, ttl)
  if count == 0 then
    redis.call('HDEL', KEYS[1], instance)
  else
    redis.call('HSET', KEYS[1], instance, string.format('%d:%d', count, now + ttl))
    redis.call('PEXPIRE', KEYS[1], ttl)
  end
end
`;
