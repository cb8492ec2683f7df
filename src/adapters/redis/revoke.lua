--! prelude: ledger-run
-- Revokes one user's coupon, in ONE atomic step with every decision on the same ledger (the plain
-- one, or the sub-ledger the user routes to): marks it revoked, returns its unit to stock when
-- asked (the `returned` count is what the stock check subtracts from the grants, so the unit is
-- granted exactly once more), appends the revoked coupon to the outbox (after its grant, in the
-- same stream: the consumer marks the row), and renews the version stamp (a settled copy of the
-- campaign in memory must drop: it may have stock again). Idempotent: a second revocation
-- changes nothing and returns nothing twice.
-- KEYS[1] rules hash, KEYS[2] users hash, KEYS[3] revoked hash (userId -> '<ms>:returned|kept'),
-- KEYS[4] outbox stream, KEYS[5] issued-at hash
-- ARGV[1] campaignId, ARGV[2] userId, ARGV[3] now (epoch ms), ARGV[4] '1' to return the unit
-- Reply: {'revoked', sequence, issuedAt or ''}, {'already-revoked', sequence, issuedAt or '',
-- revocation}, {'not-a-winner'}, {'unknown-campaign'}, {'not-ready'}
local run = redis.call('HGET', KEYS[1], 'run')
if not run then
  return {'unknown-campaign'}
end
if run ~= current_run() then
  return {'not-ready'}
end
local sequence = redis.call('HGET', KEYS[2], ARGV[2])
if not sequence then
  return {'not-a-winner'}
end
local issuedAt = redis.call('HGET', KEYS[5], ARGV[2]) or ''
local before = redis.call('HGET', KEYS[3], ARGV[2])
if before then
  return {'already-revoked', tonumber(sequence), issuedAt, before}
end
local returned = ARGV[4] == '1'
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3] .. (returned and ':returned' or ':kept'))
if returned then
  redis.call('HINCRBY', KEYS[1], 'returned', 1)
end
redis.call('HSET', KEYS[1], 'stamp', new_stamp())
-- The coupon's primitives with its revocation (see decide.lua for the grant's).
redis.call('XADD', KEYS[4], '*', 'coupon',
  '{"v":2,"campaignId":"' .. ARGV[1] .. '","userId":"' .. ARGV[2] .. '","sequence":' .. sequence
  .. ',"issuedAt":' .. (issuedAt ~= '' and issuedAt or ARGV[3]) .. ',"revokedAt":' .. ARGV[3]
  .. ',"returned":' .. (returned and 'true' or 'false') .. '}')
return {'revoked', tonumber(sequence), issuedAt}
