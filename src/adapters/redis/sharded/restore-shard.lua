-- Swaps one rebuilt sub-ledger in atomically (the sharded twin of ../restore.lua): winners from
-- the staging hash, grants count, rules with the quota and sequence offset computed from the
-- durable record, an
-- empty transfer journal and a NEW epoch, so a transfer journaled before the restore can never be
-- credited after it. Idempotent: the same restore gives the same sub-ledger (with a new epoch).
--
-- KEYS[1] rules hash, KEYS[2] winners hash, KEYS[3] grants count, KEYS[4] staging hash,
-- KEYS[5] transfers hash
-- ARGV[1] name, ARGV[2] total, ARGV[3] perUser, ARGV[4] startsAt, ARGV[5] endsAt,
-- ARGV[6] shards, ARGV[7] shard, ARGV[8] base, ARGV[9] net, ARGV[10] epoch,
-- ARGV[11] grants count, ARGV[12] number of winners expected in the staging hash,
-- ARGV[13] seqBase (the next grant's local index is count + seqBase + 1)
local expected = tonumber(ARGV[12])
if expected > 0 then
  local staged = redis.call('HLEN', KEYS[4])
  if staged ~= expected then
    return redis.error_reply('RESTORE_INCOMPLETE staged ' .. staged .. ' of ' .. expected .. ' winners')
  end
  redis.call('UNLINK', KEYS[2])
  redis.call('RENAME', KEYS[4], KEYS[2])
  redis.call('PERSIST', KEYS[2])
else
  redis.call('UNLINK', KEYS[2])
end
redis.call('SET', KEYS[3], ARGV[11])
redis.call('DEL', KEYS[1], KEYS[5])
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'total', ARGV[2], 'perUser', ARGV[3], 'startsAt', ARGV[4], 'endsAt', ARGV[5],
  'shards', ARGV[6], 'shard', ARGV[7], 'base', ARGV[8], 'net', ARGV[9], 'epoch', ARGV[10],
  'seqBase', ARGV[13], 'run', current_run())
return 1
