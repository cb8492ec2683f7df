-- The decision table of ONE application, shared by reserve.lua and sharded/reserve-shard.lua.
-- It is the Lua twin of `decide` in src/domain/issuance-policy.ts: the same checks in the same
-- ORDER (already issued > not open > closed > sold out > paused > not eligible > issued with the
-- next sequence). The in-memory ledger calls that function, and the ledger contract suite runs
-- against the memory and the Redis ledgers alike, so it proves the two agree. Keep them in step.
--
-- What the domain leaves to its caller happens here, in the same atomic step: the grant is
-- written. The event first, then the grant: should the XADD fail (out of memory), nothing was
-- granted, so a grant never exists without its outbox entry. The stream is never trimmed here
-- (that could drop an unpublished event); the relay deletes entries once the event log has them.
--
-- Both reserves share the layout it works on: KEYS[2] winners hash (userId -> sequence),
-- KEYS[3] count of the grants this ledger made, KEYS[4] outbox stream, KEYS[5] issued-at hash
-- (userId -> now of the grant: what a 409 and a status read carry); ARGV[1] campaignId. The
-- applicant comes as arguments (`userId`, `at`: the application's instant in epoch ms, from the
-- application's Clock, as a string; `given`: its segment claim; `trace`: its W3C traceparent, ''
-- when tracing is off, kept beside the coupon in the outbox entry so the relay's publish joins
-- the application's trace), since a shuffled opening's draw
-- decides many in one script (opening.lua). What differs is `ledger` (a campaign's own rules, or
-- one sub-ledger's):
--   startsAt, endsAt  the window in epoch ms (nil: unbounded on that side)
--   cap       how many units this ledger may have consumed (granted minus returned) in all
--   returned  units of revoked coupons this ledger took back into stock
--   paused    the kill switch
--   eligible  function(userId, given) -> whether the applicant may win (read only when it matters)
--   shuffleMs the shuffled opening's length in ms (nil or 0: none; read by opening.lua)
--   named     function(reply) -> the reply as this ledger's caller names it (nil: as it is)
--   sequence  function(grants) -> the campaign-wide sequence of this ledger's grants-th grant
--   sequences the ZSET userId -> sequence of every grant (the persistence audit's index, see
--             ledger-audit.lua), or nil where the layout keeps none (sub-ledgers)
--
-- Reply {kind, value}, the kind named as the domain's Decision names it: {'issued', sequence} ·
-- {'already-issued'} · {'not-open', startsAt} · {'closed', endsAt} · {'sold-out'} (this ledger's
-- cap is reached; a sub-ledger's caller names that 'exhausted') · {'paused'} · {'not-eligible'}.
-- Read by decisionOf (ledger-codec.ts).
local function decide_and_grant(ledger, userId, at, given, trace)
  if redis.call('HEXISTS', KEYS[2], userId) == 1 then
    return {'already-issued'}
  end
  local now = tonumber(at)
  if ledger.startsAt and now < ledger.startsAt then
    return {'not-open', ledger.startsAt}
  end
  if ledger.endsAt and now >= ledger.endsAt then
    return {'closed', ledger.endsAt}
  end
  local count = tonumber(redis.call('GET', KEYS[3])) or 0
  if count - ledger.returned >= ledger.cap then
    return {'sold-out'}
  end
  if ledger.paused then
    return {'paused'}
  end
  if not ledger.eligible(userId, given) then
    return {'not-eligible'}
  end
  local grants = count + 1
  local sequence = ledger.sequence(grants)
  -- The coupon's primitives as JSON (CouponPrimitives in src/domain/coupon.ts, version 2): the
  -- outbox reader decodes it with the domain's codec. Ids are parsed to plain characters before
  -- they reach a script, so concatenation needs no escaping.
  local coupon = '{"v":2,"campaignId":"' .. ARGV[1] .. '","userId":"' .. userId
    .. '","sequence":' .. sequence .. ',"issuedAt":' .. at .. '}'
  if trace and trace ~= '' then
    redis.call('XADD', KEYS[4], '*', 'coupon', coupon, 'trace', trace)
  else
    redis.call('XADD', KEYS[4], '*', 'coupon', coupon)
  end
  redis.call('SET', KEYS[3], grants)
  redis.call('HSET', KEYS[2], userId, sequence)
  redis.call('HSET', KEYS[5], userId, at)
  if ledger.sequences then
    redis.call('ZADD', ledger.sequences, sequence, userId)
  end
  return {'issued', sequence}
end

-- The eligibility rule as the rules hash holds it ('anyone', 'allowlist', 'segment' with its
-- value): the allowlist is the set `list`, the applicant's segment claim `given` ('' = none).
local function eligibility(rule, segment, list)
  return function(userId, given)
    if rule == 'allowlist' then
      return redis.call('SISMEMBER', list, userId) == 1
    end
    if rule == 'segment' then
      return given ~= '' and given == segment
    end
    return true
  end
end
