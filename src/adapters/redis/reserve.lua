-- Decides one application atomically. Redis runs a script without interleaving any other
-- command, so the read (rules, winners, count) and the write (winner, count, outbox event) are ONE
-- step: no lock, and no two concurrent reserves can both see room for the last coupon.
--
-- This is the Lua twin of `decide` in src/domain/issuance-policy.ts: same checks, same ORDER
-- (already issued > window > cap). The ledger contract suite runs against both and proves it.
-- Before any of them: the campaign must be ready on this server process (ledger-run.lua).
--
-- KEYS[1] campaign hash (total, startsAt, endsAt; '' when unbounded; run)
-- KEYS[2] users hash (userId -> sequence)
-- KEYS[3] count (last sequence granted)
-- KEYS[4] outbox stream
-- KEYS[5] issued-at hash (userId -> now of the grant: what a 409 and a status read carry)
-- ARGV[1] campaignId, ARGV[2] userId, ARGV[3] now (epoch ms, from the application's Clock)
--
-- Reply {code, value}:
--   {0, 0} unknown campaign (no rules: never defined, or the data was lost -> fail closed)
--   {1, sequence} issued
--   {2, 0} already issued
--   {3, startsAt} not open yet
--   {4, endsAt} closed
--   {5, 0} sold out
--   {6, 0} not ready: not reconciled on this server process (see ledger-run.lua)
local rules = redis.call('HMGET', KEYS[1], 'total', 'startsAt', 'endsAt', 'run')
local total = tonumber(rules[1])
if not total then
  return {0, 0}
end
if rules[4] ~= current_run() then
  return {6, 0}
end

if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  return {2, 0}
end

local now = tonumber(ARGV[3])
local startsAt = tonumber(rules[2])
if startsAt and now < startsAt then
  return {3, startsAt}
end
local endsAt = tonumber(rules[3])
if endsAt and now >= endsAt then
  return {4, endsAt}
end

local count = tonumber(redis.call('GET', KEYS[3])) or 0
if count >= total then
  return {5, 0}
end

-- The event first, then the grant: should the XADD fail (out of memory), nothing was granted,
-- so a grant never exists without its outbox entry. The stream is never trimmed here (that could
-- drop an unpublished event); the relay deletes entries once the event log has them.
local sequence = count + 1
redis.call('XADD', KEYS[4], '*',
  'campaignId', ARGV[1], 'userId', ARGV[2], 'sequence', sequence, 'issuedAt', ARGV[3])
redis.call('SET', KEYS[3], sequence)
redis.call('HSET', KEYS[2], ARGV[2], sequence)
redis.call('HSET', KEYS[5], ARGV[2], ARGV[3])
return {1, sequence}
