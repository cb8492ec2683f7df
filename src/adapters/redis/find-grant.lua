--! prelude: ledger-run
-- One user's coupon and the campaign's readiness in one atomic step: "no grant" is only an
-- answer from a ready ledger, since a fenced one may have forgotten the grant.
-- KEYS[1] campaign hash, KEYS[2] users hash; ARGV[1] userId
-- Reply: {'unknown-campaign'}, {'not-ready'} (see ledger-run.lua), {'none'} or
--        {'granted', sequence}. Read by lookupOf (ledger-codec.ts).
local rules = redis.call('HMGET', KEYS[1], 'total', 'run')
if not rules[1] then
  return {'unknown-campaign'}
end
if rules[2] ~= current_run() then
  return {'not-ready'}
end
local sequence = redis.call('HGET', KEYS[2], ARGV[1])
if not sequence then
  return {'none'}
end
return {'granted', tonumber(sequence)}
