--! prelude: ledger-run decide opening
-- Decides one application atomically. Redis runs a script without interleaving any other
-- command, so the read (rules, winners, count) and the write (winner, count, outbox event) are ONE
-- step: no lock, and no two concurrent reserves can both see room for the last coupon.
--
-- In a shuffled opening the application is collected, or the opening drawn first (opening.lua).
-- The decision itself is decide.lua's (the Lua twin of `decide` in src/domain/issuance-policy.ts),
-- with the campaign's total as the cap. Before it: the campaign must be known, and ready on this
-- server process (ledger-run.lua).
--
-- KEYS[1] campaign hash (total, startsAt, endsAt ('' when unbounded), paused, eligibility,
--         segment, returned, run), KEYS[2] users hash (userId -> sequence), KEYS[3] count (last
--         sequence granted), KEYS[4] outbox stream, KEYS[5] issued-at hash, KEYS[6] the sharded
--         layout's marker (on this same slot), KEYS[7] the allowlist set, KEYS[8] the opening's
--         pool, KEYS[9] the opening's drawn answers, KEYS[10] the grants' sequences (ZSET
--         userId -> sequence, what the persistence audit compares by range)
-- ARGV[1] campaignId, ARGV[2] userId, ARGV[3] now (epoch ms, from the application's Clock; a
-- collect: when it applied), ARGV[4] the applicant's segment claim ('' = none), ARGV[5] the
-- application's traceparent ('' when tracing is off; see decide.lua), ARGV[6] the seed of a draw,
-- ARGV[7] '' to apply, or the now of a collect (see opening.lua)
--
-- Reply {kind, value}: decide.lua's or opening.lua's ({'pooled', drawAt, entered}), or before it
--   {'unknown-campaign'} no rules: never defined, or the data was lost (fail closed)
--   {'held-elsewhere'} no rules here, but the campaign is laid out in sub-ledgers: ask those
--   {'not-ready'} not reconciled on this server process (see ledger-run.lua)
local rules = redis.call('HMGET', KEYS[1],
  'total', 'startsAt', 'endsAt', 'run', 'paused', 'eligibility', 'segment', 'returned',
  'shuffleMs')
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

local ledger = {
  startsAt = tonumber(rules[2]),
  endsAt = tonumber(rules[3]),
  cap = total,
  returned = tonumber(rules[8]) or 0,
  paused = rules[5] == '1',
  eligible = eligibility(rules[6], rules[7], KEYS[7]),
  shuffleMs = tonumber(rules[9]),
  -- One ledger for the whole campaign: its count is the last sequence granted.
  sequence = function(grants) return grants end,
  sequences = KEYS[10],
}
return apply_in_opening(
  ledger, KEYS[8], KEYS[9], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7])
