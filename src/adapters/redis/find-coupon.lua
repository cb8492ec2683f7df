--! prelude: ledger-run
-- find-grant.lua plus the instant of the grant (the issued-at hash reserve.lua writes in the same
-- step as the grant), in one atomic read: what a status read and a 409 carry.
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] issued-at hash; ARGV[1] userId
-- Reply {code, sequence, issuedAt}: {0, 0, -1} unknown campaign, {1, sequence, ms or -1} granted,
--                                  {2, 0, -1} none, {6, 0, -1} not ready (see ledger-run.lua)
local rules = redis.call('HMGET', KEYS[1], 'total', 'run')
if not rules[1] then
  return {0, 0, -1}
end
if rules[2] ~= current_run() then
  return {6, 0, -1}
end
local sequence = redis.call('HGET', KEYS[2], ARGV[1])
if not sequence then
  return {2, 0, -1}
end
return {1, tonumber(sequence), tonumber(redis.call('HGET', KEYS[3], ARGV[1])) or -1}
