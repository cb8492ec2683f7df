-- Swaps a rebuilt ledger in atomically. The winners were written beforehand into a staging hash
-- (in batches, so a large restore never blocks Redis for long); this script replaces winners,
-- count and rules in one step, so a reserve sees either the old ledger or the new one, never a
-- mix. Running the same restore again yields the same ledger (idempotent).
--
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] count, KEYS[4] staging hash
-- ARGV[1] name, ARGV[2] total, ARGV[3] perUser, ARGV[4] startsAt, ARGV[5] endsAt ('' = none)
-- ARGV[6] count to set (the highest restored sequence)
-- ARGV[7] number of distinct winners expected in the staging hash
local expected = tonumber(ARGV[7])
if expected > 0 then
  -- A staging hash that expired or was only partly written must never become the ledger.
  local staged = redis.call('HLEN', KEYS[4])
  if staged ~= expected then
    return redis.error_reply('RESTORE_INCOMPLETE staged ' .. staged .. ' of ' .. expected .. ' winners')
  end
  -- UNLINK frees the old winners in the background; RENAME would free them inline (O(n)).
  redis.call('UNLINK', KEYS[2])
  redis.call('RENAME', KEYS[4], KEYS[2])
  redis.call('PERSIST', KEYS[2])
else
  redis.call('UNLINK', KEYS[2])
end
redis.call('SET', KEYS[3], ARGV[6])
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'total', ARGV[2], 'perUser', ARGV[3], 'startsAt', ARGV[4], 'endsAt', ARGV[5])
return 1
