--! prelude: ledger-run
-- One user's coupon and the campaign's readiness in one atomic step: "no grant" is only an
-- answer from a ready ledger, since a fenced one may have forgotten the grant.
-- KEYS[1] campaign hash, KEYS[2] users hash; ARGV[1] userId
-- Reply {code, value}: {0, 0} unknown campaign, {1, sequence} granted, {2, 0} none,
--                      {6, 0} not ready (see ledger-run.lua)
local rules = redis.call('HMGET', KEYS[1], 'total', 'run')
if not rules[1] then
  return {0, 0}
end
if rules[2] ~= current_run() then
  return {6, 0}
end
local sequence = redis.call('HGET', KEYS[2], ARGV[1])
if not sequence then
  return {2, 0}
end
return {1, tonumber(sequence)}
