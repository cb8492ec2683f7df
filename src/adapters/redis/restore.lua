-- Swaps a reconciled ledger in atomically and makes the campaign ready on this server process.
-- The winners were written beforehand into a staging hash (in batches, so a large restore never
-- blocks Redis for long): the caller staged the MERGE of the durable record and every winner the
-- ledger held, so replacing the users hash drops nobody. This script replaces winners, count and
-- rules in one step, so a reserve sees either the old ledger or the new one, never a mix.
-- Running the same restore again yields the same ledger (idempotent).
--
-- The count never goes down: it becomes the highest of the restored sequence and the ledger's
-- own count. And one campaign has one live ledger: the sharded layout's marker (its sub-ledger
-- count, on this same slot) goes in the same step, so a sharded-mode process finds no layout and
-- answers LEDGER_NOT_READY (its sub-ledgers were fenced before this restore read their winners).
--
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] count, KEYS[4] staging hash,
-- KEYS[5] the sharded layout's sub-ledger count
-- ARGV[1] name, ARGV[2] total, ARGV[3] perUser, ARGV[4] startsAt, ARGV[5] endsAt ('' = none)
-- ARGV[6] highest restored sequence
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
local count = math.max(tonumber(redis.call('GET', KEYS[3])) or 0, tonumber(ARGV[6]))
redis.call('SET', KEYS[3], count)
redis.call('UNLINK', KEYS[5])
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'total', ARGV[2], 'perUser', ARGV[3], 'startsAt', ARGV[4], 'endsAt', ARGV[5],
  'run', current_run())
return count
