--! prelude: ledger-run
-- One user's coupon with the ledger's readiness, in one atomic read: "no grant" is only an answer
-- from a ready ledger (a fenced one may have forgotten the grant). With the instant of the grant
-- (the issued-at hash the reserve writes in the same step) and its revocation: what a status read
-- and a 409 carry. The plain ledger and every sub-ledger run it on their own keys.
-- KEYS[1] rules hash, KEYS[2] users hash, KEYS[3] issued-at hash, KEYS[4] revoked hash,
-- KEYS[5] the sharded layout's marker (a sub-ledger's caller passes a key that never exists),
-- KEYS[6] grants count
-- ARGV[1] userId
-- Reply: {'unknown-campaign'}, {'held-elsewhere'} (no rules here: the campaign is laid out in
-- sub-ledgers), {'not-ready'} (see ledger-run.lua), {'none'}, or
-- {'granted', sequence, issuedAt ms or '', revocation '<ms>:returned|kept' or '', count}.
local rules = redis.call('HMGET', KEYS[1], 'total', 'run')
if not rules[1] then
  if redis.call('EXISTS', KEYS[5]) == 1 then
    return {'held-elsewhere'}
  end
  return {'unknown-campaign'}
end
if rules[2] ~= current_run() then
  return {'not-ready'}
end
local sequence = redis.call('HGET', KEYS[2], ARGV[1])
if not sequence then
  return {'none'}
end
return {'granted', tonumber(sequence), redis.call('HGET', KEYS[3], ARGV[1]) or '',
  redis.call('HGET', KEYS[4], ARGV[1]) or '', tonumber(redis.call('GET', KEYS[6]) or '0')}
