--! prelude: ledger-run staged-winners campaign-rules
-- Swaps a reconciled ledger in atomically and makes the campaign ready on this server process.
-- The caller staged the MERGE of the durable record and every winner (and revocation) the ledger
-- held (see staged-winners.lua), so replacing them drops nobody. This script replaces winners,
-- revocations, the allowlist (when one was staged), count and rules in one step, so a reserve
-- sees either the old ledger or the new one, never a mix. Running the same restore again yields
-- the same ledger (idempotent).
--
-- The count never goes down: it becomes the highest of the restored sequence and the ledger's
-- own count. The returned units are the restored revocations' (counted by the caller). And one
-- campaign has one live ledger: the sharded layout's marker (its sub-ledger count, on this same
-- slot) goes in the same step, so the sub-ledgers (fenced before this restore read their
-- winners) are nobody's any more.
--
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] count, KEYS[4] staged users,
-- KEYS[5] the sharded layout's sub-ledger count, KEYS[6] revoked hash, KEYS[7] staged revocations,
-- KEYS[8] allowlist set, KEYS[9] staged allowlist
-- ARGV[1] the rules (see campaign-rules.lua), ARGV[2] highest restored sequence,
-- ARGV[3] winners staged, ARGV[4] revocations staged, ARGV[5] units returned among them,
-- ARGV[6] allowlist users staged, or -1 to keep the allowlist as it is
-- KEYS[10] the grants' sequences (ZSET), staged in KEYS[11] with one member per winner
local winners, revocations, allowlist = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6])
local failed = staged_incomplete(KEYS[4], winners, 'HLEN')
  or staged_incomplete(KEYS[11], winners, 'ZCARD')
  or staged_incomplete(KEYS[7], revocations, 'HLEN')
  or staged_incomplete(KEYS[9], allowlist, 'SCARD')
if failed then
  return failed
end
swap_in(KEYS[2], KEYS[4], winners)
swap_in(KEYS[10], KEYS[11], winners)
swap_in(KEYS[6], KEYS[7], revocations)
if allowlist >= 0 then
  swap_in(KEYS[8], KEYS[9], allowlist)
end
local count = math.max(tonumber(redis.call('GET', KEYS[3])) or 0, tonumber(ARGV[2]))
redis.call('SET', KEYS[3], count)
redis.call('UNLINK', KEYS[5])
write_rules(KEYS[1], ARGV[1], 'run', current_run(), 'returned', ARGV[5])
return count
