import { INSTANCE_COUNTS_LUA } from '../../redis/instance-counts.lua.js';
import { LuaScript } from '../../redis/lua-script.js';

/**
 * A conversation's presence is a hash with one field per instance that has
 * listeners (see INSTANCE_COUNTS_LUA): the listeners of an instance that
 * died stop counting by themselves.
 */
const SUM = INSTANCE_COUNTS_LUA;

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
write_count(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
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
