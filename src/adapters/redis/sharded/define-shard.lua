--! prelude: ledger-run campaign-rules
-- Writes one sub-ledger's rules and base quota in one step; its winners, count, transfers and
-- net (stock moved in minus stock moved out) are kept, so defining again never forgets a grant
-- nor a transfer. A brand-new sub-ledger gets net 0 and the epoch given.
--
-- KEYS[1] rules hash, KEYS[2] grants count
-- ARGV[1] the rules (see ../campaign-rules.lua),
-- ARGV[2] shards N, ARGV[3] shard index, ARGV[4] base quota, ARGV[5] epoch for a new sub-ledger
--
-- Reply: the sub-ledger's spare stock (quota - count); negative when a lower total left it with
-- more grants than its new quota (the caller then covers that debt from the others' spare).
local existing = redis.call('HGET', KEYS[1], 'shards')
if existing and existing ~= ARGV[2] then
  return redis.error_reply('SUBLEDGER_MISMATCH sub-ledger belongs to a layout of ' .. existing)
end
-- Only a brand-new sub-ledger is ready at once (see ../define.lua).
if not existing then
  redis.call('HSET', KEYS[1], 'run', current_run())
end
write_rules(KEYS[1], ARGV[1], 'shards', ARGV[2], 'shard', ARGV[3], 'base', ARGV[4])
redis.call('HSETNX', KEYS[1], 'net', 0)
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'net', 'returned')
local consumed = (tonumber(redis.call('GET', KEYS[2])) or 0) - (tonumber(state[2]) or 0)
return tonumber(ARGV[4]) + tonumber(state[1]) - consumed
