--! prelude: ledger-run
-- find-grant.lua for a plain ledger, plus the instant of the grant (the issued-at hash
-- reserve.lua writes in the same step as the grant), in one atomic read: what a status read and a
-- 409 carry.
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] issued-at hash, KEYS[4] the sharded
-- layout's marker; ARGV[1] userId
-- Reply: find-grant.lua's, a grant with its instant when recorded ({'granted', sequence, ms}), or
-- {'held-elsewhere'}: no rules here, the campaign is laid out in sub-ledgers.
local rules = redis.call('HMGET', KEYS[1], 'total', 'run')
if not rules[1] then
  if redis.call('EXISTS', KEYS[4]) == 1 then
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
return {'granted', tonumber(sequence), tonumber(redis.call('HGET', KEYS[3], ARGV[1]))}
