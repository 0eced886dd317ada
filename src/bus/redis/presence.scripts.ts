import { LuaScript } from '../../redis/lua-script.js';

/**
 * A conversation's presence is a hash with one field per instance that has
 * listeners: `count:expiresAtMs`. Instances refresh their fields while
 * their listeners stay, so the field of an instance that died expires by
 * itself, and readers skip (and remove) expired fields.
 */
const SUM = `
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
`;

/**
 * Records this instance's listener count and returns the total across
 * instances; tells the conversation's control channel when the total
 * changed, so that other instances need not wait for their next poll.
 *
 * KEYS: presence hash. ARGV: instance id, count, ttl ms, control channel,
 * publish command (PUBLISH, or SPUBLISH in a cluster).
 */
export const SET_PRESENCE = new LuaScript(`${SUM}
local before = live_total()
local ttl = tonumber(ARGV[3])
if ARGV[2] == '0' then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.format('%d', now + ttl))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
local after = live_total()
if after ~= before then
  redis.call(ARGV[5], ARGV[4], '{"type":"listeners"}')
end
return after
`);

/** The listeners of a conversation across live instances. KEYS: presence hash. */
export const READ_PRESENCE = new LuaScript(`${SUM}
return live_total()
`);
