import { LuaScript } from '../../redis/lua-script.js';

/**
 * Lua shared by the scripts. `now` is Redis's clock, which also issues the
 * stream ids: instances whose clocks disagree still agree on positions.
 *
 * The epoch key records when this conversation's events began in this Redis
 * dataset (a restart without persistence or a flush starts a new one): no id
 * older than it can be replayed. It is set one millisecond in the past so
 * that a position handed out in the same millisecond still counts as current.
 * It is the conversation's own (every script passes the ttl in ms last; one cluster slot for all its keys) and lives
 * as long as its events: once it expires they have too.
 */
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  epoch = string.format('%d-0', now - 1)
  redis.call('SET', KEYS[3], epoch)
end
redis.call('PEXPIRE', KEYS[3], ARGV[#ARGV])
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  if am ~= bm then return am < bm end
  return as < bs
end
`;

/**
 * Appends an event and trims the stream to the replay window, exactly (by
 * count and by age), remembering in the floor key the newest id it dropped:
 * a subscriber whose position is older than that missed events for good.
 * A stream created anew (it expires `ttl` after its last event) gets a floor
 * that marks every id of an earlier, expired stream as lost. The event is
 * then published for the instances with live subscribers: one message per
 * event, whatever their number.
 *
 * KEYS: stream, floor, epoch. ARGV: type, data, max length, channel,
 * publish command (PUBLISH, or SPUBLISH in a cluster), ttl ms.
 */
export const APPEND_EVENT = new LuaScript(`${PRELUDE}
local ttl = tonumber(ARGV[6])
local created = redis.call('EXISTS', KEYS[1]) == 0
local id = redis.call('XADD', KEYS[1], '*', 't', ARGV[1], 'd', ARGV[2])
local floor = nil
if created then floor = string.format('%d-0', now - ttl + 1) end
local oldest = string.format('%d-0', now - ttl)
local aged = redis.call('XREVRANGE', KEYS[1], '(' .. oldest, '-', 'COUNT', 1)
if #aged > 0 then
  floor = aged[1][1]
  redis.call('XTRIM', KEYS[1], 'MINID', oldest)
end
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[3])
if excess > 0 then
  local cut = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', excess)
  floor = cut[#cut][1]
  redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[3])
end
if floor then
  redis.call('SET', KEYS[2], floor, 'PX', ttl)
else
  redis.call('PEXPIRE', KEYS[2], ttl)
end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call(ARGV[5], ARGV[4], id .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2])
return id
`);

/**
 * Where a subscriber stands and what it missed, read atomically: returns
 * { position, reset (0/1), entries after the position }. Without a last id
 * the position is the newest entry, or just before "now" when the stream
 * is empty (any later entry has a greater id). A last id older than the
 * floor, than the epoch, or newer than anything issued cannot be resumed
 * exactly: reset.
 *
 * KEYS: stream, floor, epoch. ARGV: last id or '', ttl ms.
 */
export const READ_REPLAY = new LuaScript(`${PRELUDE}
local ttl = tonumber(ARGV[2])
local floor = epoch
local head
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest == 0 then
  head = string.format('%d-0', now - 1)
  local expired = string.format('%d-0', now - ttl + 1)
  if before(floor, expired) then floor = expired end
else
  head = newest[1][1]
  local dropped = redis.call('GET', KEYS[2])
  if dropped and before(floor, dropped) then floor = dropped end
end
local last = ARGV[1]
if last == '' then return { head, 0, {} } end
if before(last, floor) or before(head, last) then return { head, 1, {} } end
return { last, 0, redis.call('XRANGE', KEYS[1], '(' .. last, '+') }
`);
