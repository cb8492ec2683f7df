--! prelude: ledger-run decide
-- Decides one application atomically. Redis runs a script without interleaving any other
-- command, so the read (rules, winners, count) and the write (winner, count, outbox event) are ONE
-- step: no lock, and no two concurrent reserves can both see room for the last coupon.
--
-- The decision itself is decide.lua's (the Lua twin of `decide` in src/domain/issuance-policy.ts),
-- with the campaign's total as the cap. Before it: the campaign must be known, and ready on this
-- server process (ledger-run.lua).
--
-- KEYS[1] campaign hash (total, startsAt, endsAt ('' when unbounded), paused, eligibility,
--         segment, returned, run), KEYS[2] users hash (userId -> sequence), KEYS[3] count (last
--         sequence granted), KEYS[4] outbox stream, KEYS[5] issued-at hash, KEYS[6] the sharded
--         layout's marker (on this same slot), KEYS[7] the allowlist set, KEYS[8] the grants' sequences
--         (ZSET userId -> sequence, what the persistence audit compares by range)
-- ARGV[1] campaignId, ARGV[2] userId, ARGV[3] now (epoch ms, from the application's Clock),
-- ARGV[4] the applicant's segment claim ('' = none)
--
-- Reply {kind, value}: decide.lua's, or before it
--   {'unknown-campaign'} no rules: never defined, or the data was lost (fail closed)
--   {'held-elsewhere'} no rules here, but the campaign is laid out in sub-ledgers: ask those
--   {'not-ready'} not reconciled on this server process (see ledger-run.lua)
local rules = redis.call('HMGET', KEYS[1],
  'total', 'startsAt', 'endsAt', 'run', 'paused', 'eligibility', 'segment', 'returned')
local total = tonumber(rules[1])
if not total then
  if redis.call('EXISTS', KEYS[6]) == 1 then
    return {'held-elsewhere'}
  end
  return {'unknown-campaign'}
end
if rules[4] ~= current_run() then
  return {'not-ready'}
end

return decide_and_grant({
  startsAt = tonumber(rules[2]),
  endsAt = tonumber(rules[3]),
  cap = total,
  returned = tonumber(rules[8]) or 0,
  paused = rules[5] == '1',
  eligible = eligibility(rules[6], rules[7], KEYS[7], ARGV[4]),
  -- One ledger for the whole campaign: its count is the last sequence granted.
  sequence = function(grants) return grants end,
  sequences = KEYS[8],
})
