--! prelude: ledger-run staged-winners campaign-rules
-- Swaps one rebuilt sub-ledger in atomically (the sharded twin of ../restore.lua): winners,
-- revocations and the allowlist (when one was staged) from their staging keys (see
-- ../staged-winners.lua), grants count, rules with the quota and sequence offset computed from the
-- durable record, the units returned to this sub-ledger, an empty transfer journal and a NEW
-- epoch, so a transfer journaled before the restore can never be credited after it. Idempotent:
-- the same restore gives the same sub-ledger (with a new epoch).
--
-- KEYS[1] rules hash, KEYS[2] winners hash, KEYS[3] grants count, KEYS[4] staged winners,
-- KEYS[5] transfers hash, KEYS[6] revoked hash, KEYS[7] staged revocations, KEYS[8] allowlist set,
-- KEYS[9] staged allowlist
-- ARGV[1] the rules (see ../campaign-rules.lua),
-- ARGV[2] shards, ARGV[3] shard, ARGV[4] base, ARGV[5] net, ARGV[6] epoch,
-- ARGV[7] grants count, ARGV[8] winners staged,
-- ARGV[9] seqBase (the next grant's local index is count + seqBase + 1),
-- ARGV[10] revocations staged, ARGV[11] units returned among them,
-- ARGV[12] allowlist users staged, or -1 to keep the allowlist as it is
local winners, revocations, allowlist = tonumber(ARGV[8]), tonumber(ARGV[10]), tonumber(ARGV[12])
local failed = staged_incomplete(KEYS[4], winners, 'HLEN')
  or staged_incomplete(KEYS[7], revocations, 'HLEN')
  or staged_incomplete(KEYS[9], allowlist, 'SCARD')
if failed then
  return failed
end
swap_in(KEYS[2], KEYS[4], winners)
swap_in(KEYS[6], KEYS[7], revocations)
if allowlist >= 0 then
  swap_in(KEYS[8], KEYS[9], allowlist)
end
redis.call('SET', KEYS[3], ARGV[7])
redis.call('DEL', KEYS[1], KEYS[5])
write_rules(KEYS[1], ARGV[1],
  'shards', ARGV[2], 'shard', ARGV[3], 'base', ARGV[4], 'net', ARGV[5], 'epoch', ARGV[6],
  'seqBase', ARGV[9], 'returned', ARGV[11], 'run', current_run())
return 1
