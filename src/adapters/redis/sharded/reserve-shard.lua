--! prelude: ledger-run decide opening
-- Decides one application on ONE sub-ledger of a campaign in sharded-stock mode, atomically.
-- The decision is decide.lua's, as in ../reserve.lua, with the cap being this sub-ledger's quota
-- (base + net) instead of the campaign's total. The sum of the quotas never exceeds the total
-- (see transfer-debit.lua), so neither can the sum of the grants.
--
-- Optionally it first credits a stock transfer to this sub-ledger (what transfer-credit.lua
-- does), in the same step: the application that moved the stock here decides on it before
-- anyone can move it away again, so two empty sub-ledgers can never pass the last coupons back
-- and forth forever (every transfer that an application makes ends in that application's answer).
--
-- KEYS[1] sub-ledger rules hash (the campaign's rules, shards, shard, base, net, seqBase, epoch,
--         soldOut, returned, heldUntil), KEYS[2] winners hash (userId -> sequence),
--         KEYS[3] grants count, KEYS[4] outbox stream, KEYS[5] issued-at hash,
--         KEYS[6] transfers hash, KEYS[7] the allowlist set (this sub-ledger's users),
--         KEYS[8] the opening's pool, KEYS[9] its drawn answers (this sub-ledger's users)
-- ARGV[1] campaignId (the parent: it goes into the outbox entry), ARGV[2] userId,
-- ARGV[3] now (epoch ms; a collect: when it applied), ARGV[4] the caller's sub-ledger count N,
-- ARGV[5] the caller's index, ARGV[6] the applicant's segment claim ('' = none), ARGV[7] the
-- application's traceparent ('' when tracing is off; see ../decide.lua), ARGV[8] the seed of a
-- draw, ARGV[9] '' to apply, or the now of a collect (see ../opening.lua),
-- ARGV[10..13] optional transfer to credit first: donor index, number, amount, epoch
--
-- A shuffled opening is drawn per sub-ledger: each collects and draws its own users (the ones
-- routed to it), against its own quota. A collected applicant its quota leaves out is answered
-- 'exhausted' like any other, and rebalances when it reads that answer.
--
-- Reply {kind, value}: decide.lua's (a grant's sequence = (local - 1) * N + shard + 1, unique in
-- the campaign, with local = grants + seqBase: a restore sets seqBase past every restored
-- sequence), except that a full quota is named by what it means here:
--   {'exhausted'} this sub-ledger's quota is used up, stock may remain elsewhere: rebalance
--   {'sold-out'} sold out for good (every sub-ledger was seen exhausted under these rules)
-- and before the decision:
--   {'unknown-campaign'} no rules: never defined, or lost (fail closed)
--   {'not-ready'} not reconciled on this server process (see ../ledger-run.lua)
--   {'stale-layout', N} the caller routed with a stale sub-ledger count: N is the campaign's
--   {'other-epoch'} the transfer to credit belongs to another epoch: nothing credited or decided
--   {'held'} an operator's correction is being written over the sub-ledgers: ask again shortly
local rules = redis.call('HMGET', KEYS[1],
  'shards', 'shard', 'base', 'net', 'startsAt', 'endsAt', 'epoch', 'total', 'soldOut', 'seqBase',
  'run', 'paused', 'eligibility', 'segment', 'returned', 'heldUntil', 'shuffleMs')
local shards = tonumber(rules[1])
if not shards then
  return {'unknown-campaign'}
end
if rules[11] ~= current_run() then
  return {'not-ready'}
end
if shards ~= tonumber(ARGV[4]) then
  return {'stale-layout', shards}
end
local shard = tonumber(rules[2])
if shard ~= tonumber(ARGV[5]) then
  return redis.error_reply('SUBLEDGER_MISMATCH sub-ledger holds shard ' .. tostring(rules[2]))
end

if rules[16] and tonumber(rules[16]) > server_ms() then
  return {'held'}
end

local net = tonumber(rules[4]) or 0
if ARGV[10] then
  if rules[7] ~= ARGV[13] then
    return {'other-epoch'}
  end
  local number = tonumber(ARGV[11])
  local credited = tonumber(redis.call('HGET', KEYS[6], 'in:' .. ARGV[10])) or 0
  if number > credited then
    redis.call('HSET', KEYS[6], 'in:' .. ARGV[10], number)
    net = redis.call('HINCRBY', KEYS[1], 'net', tonumber(ARGV[12]))
  end
end

local seqBase = tonumber(rules[10]) or 0
local ledger = {
  startsAt = tonumber(rules[5]),
  endsAt = tonumber(rules[6]),
  cap = (tonumber(rules[3]) or 0) + net,
  returned = tonumber(rules[15]) or 0,
  paused = rules[12] == '1',
  eligible = eligibility(rules[13], rules[14], KEYS[7]),
  shuffleMs = tonumber(rules[17]),
  -- Sub-ledger i of N grants i+1, N+i+1, 2N+i+1, … (after seqBase rounds): unique in the campaign.
  sequence = function(grants) return (grants + seqBase - 1) * shards + shard + 1 end,
  -- The sold-out mark is valid only for the rules it was computed under (a restore changes the
  -- epoch, a redefinition may change the total).
  named = function(reply)
    if reply[1] == 'sold-out'
      and not (rules[9] and rules[9] == (tostring(rules[7]) .. ':' .. tostring(rules[8]))) then
      return {'exhausted'}
    end
    return reply
  end,
}
return apply_in_opening(
  ledger, KEYS[8], KEYS[9], ARGV[2], ARGV[3], ARGV[6], ARGV[7], ARGV[8], ARGV[9])
