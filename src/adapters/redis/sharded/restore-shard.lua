--! prelude: ledger-run staged-winners campaign-rules
-- Swaps one rebuilt sub-ledger in atomically (the sharded twin of ../restore.lua): winners from
-- the staging hash (see ../staged-winners.lua), grants count, rules with the quota and sequence
-- offset computed from the durable record, an empty transfer journal and a NEW epoch, so a
-- transfer journaled before the restore can never be credited after it. Idempotent: the same
-- restore gives the same sub-ledger (with a new epoch).
--
-- KEYS[1] rules hash, KEYS[2] winners hash, KEYS[3] grants count, KEYS[4] staging hash,
-- KEYS[5] transfers hash
-- ARGV[1] the rules (see ../campaign-rules.lua),
-- ARGV[2] shards, ARGV[3] shard, ARGV[4] base, ARGV[5] net, ARGV[6] epoch,
-- ARGV[7] grants count, ARGV[8] number of winners expected in the staging hash,
-- ARGV[9] seqBase (the next grant's local index is count + seqBase + 1)
local failed = swap_in_staged_winners(KEYS[2], KEYS[4], tonumber(ARGV[8]))
if failed then
  return failed
end
redis.call('SET', KEYS[3], ARGV[7])
redis.call('DEL', KEYS[1], KEYS[5])
write_rules(KEYS[1], ARGV[1],
  'shards', ARGV[2], 'shard', ARGV[3], 'base', ARGV[4], 'net', ARGV[5], 'epoch', ARGV[6],
  'seqBase', ARGV[9], 'run', current_run())
return 1
