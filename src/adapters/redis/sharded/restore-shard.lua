--! prelude: ledger-run staged-winners campaign-rules
-- Swaps one rebuilt sub-ledger in atomically (the sharded twin of ../restore.lua): winners from
-- the staging hash (see ../staged-winners.lua), grants count, rules with the quota and sequence
-- offset computed from the durable record, an empty transfer journal and a NEW epoch, so a
-- transfer journaled before the restore can never be credited after it. Idempotent: the same
-- restore gives the same sub-ledger (with a new epoch).
--
-- KEYS[1] rules hash, KEYS[2] winners hash, KEYS[3] grants count, KEYS[4] staging hash,
-- KEYS[5] transfers hash
-- ARGV[1..5] the rules (see ../campaign-rules.lua),
-- ARGV[6] shards, ARGV[7] shard, ARGV[8] base, ARGV[9] net, ARGV[10] epoch,
-- ARGV[11] grants count, ARGV[12] number of winners expected in the staging hash,
-- ARGV[13] seqBase (the next grant's local index is count + seqBase + 1)
local failed = swap_in_staged_winners(KEYS[2], KEYS[4], tonumber(ARGV[12]))
if failed then
  return failed
end
redis.call('SET', KEYS[3], ARGV[11])
redis.call('DEL', KEYS[1], KEYS[5])
write_rules(KEYS[1],
  'shards', ARGV[6], 'shard', ARGV[7], 'base', ARGV[8], 'net', ARGV[9], 'epoch', ARGV[10],
  'seqBase', ARGV[13], 'run', current_run())
return 1
