--! prelude: ledger-run staged-winners campaign-rules
-- Swaps a reconciled ledger in atomically and makes the campaign ready on this server process.
-- The caller staged the MERGE of the durable record and every winner the ledger held (see
-- staged-winners.lua), so replacing the users hash drops nobody. This script replaces winners,
-- count and rules in one step, so a reserve sees either the old ledger or the new one, never a
-- mix. Running the same restore again yields the same ledger (idempotent).
--
-- The count never goes down: it becomes the highest of the restored sequence and the ledger's
-- own count. And one campaign has one live ledger: the sharded layout's marker (its sub-ledger
-- count, on this same slot) goes in the same step, so a sharded-mode process finds no layout and
-- answers LEDGER_NOT_READY (its sub-ledgers were fenced before this restore read their winners).
--
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] count, KEYS[4] staging hash,
-- KEYS[5] the sharded layout's sub-ledger count
-- ARGV[1] the rules (see campaign-rules.lua)
-- ARGV[2] highest restored sequence
-- ARGV[3] number of distinct winners expected in the staging hash
local failed = swap_in_staged_winners(KEYS[2], KEYS[4], tonumber(ARGV[3]))
if failed then
  return failed
end
local count = math.max(tonumber(redis.call('GET', KEYS[3])) or 0, tonumber(ARGV[2]))
redis.call('SET', KEYS[3], count)
redis.call('UNLINK', KEYS[5])
write_rules(KEYS[1], ARGV[1], 'run', current_run())
return count
