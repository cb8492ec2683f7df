-- The shuffled opening, shared by reserve.lua and sharded/reserve-shard.lua (after decide.lua,
-- whose decide_and_grant it calls): the Lua twin of src/domain/opening.ts. Keep them in step.
--
-- Applications in [startsAt, startsAt + shuffleMs) are not decided: each user's first one is
-- collected in the POOL hash (userId -> '<arrival ms>:<traceparent>:<segment claim>'). The first call at or
-- after the end of the opening, whoever makes it and whatever it asks, draws the pool in the same
-- script, before its own decision: every collected application decided by decide_and_grant, in a
-- uniform random order, each with its own arrival instant and claim. Nothing is decided between
-- two of them, so the draw is as atomic as one application, and no later application can
-- overtake it. The answers go to the DRAWN hash (userId -> '<kind>:<value>'), where each waiting
-- applicant reads its own (`collect`): a grant once (then 'already-issued', so nobody hears it
-- twice), a refusal every time. The pool is deleted by the draw, so each application is decided
-- once. The order comes from math.random seeded by the caller's `seed` (Redis 7 replicates a
-- script's effects, not the script, so a random order is allowed; the seed keeps it the same on
-- every Redis version): the entries are sorted by user first, so the seed alone decides it.
--
-- Keys: the caller's KEYS[2] winners hash (decide.lua's), and the `pool` and `drawn` it names.

-- When the opening is drawn (epoch ms), or nil when the ledger has none.
local function opening_draw_at(ledger)
  if ledger.shuffleMs and ledger.shuffleMs > 0 and ledger.startsAt then
    return ledger.startsAt + ledger.shuffleMs
  end
  return nil
end

local function named(ledger, reply)
  if ledger.named then
    return ledger.named(reply)
  end
  return reply
end

-- Decides every collected application in a random order; returns how many there were.
local function draw_opening(ledger, pool, drawn, seed)
  local flat = redis.call('HGETALL', pool)
  if #flat == 0 then
    return 0
  end
  local entries = {}
  for i = 1, #flat, 2 do
    entries[#entries + 1] = {flat[i], flat[i + 1]}
  end
  table.sort(entries, function(a, b) return a[1] < b[1] end)
  -- Fisher-Yates, as drawOrder in opening.ts.
  math.randomseed(tonumber(seed) or 0)
  for i = #entries, 2, -1 do
    local j = math.random(i)
    entries[i], entries[j] = entries[j], entries[i]
  end
  for _, entry in ipairs(entries) do
    -- Each coupon keeps its own application's trace, not the drawing caller's.
    local at, trace, given = string.match(entry[2], '^(%d+):([^:]*):(.*)$')
    local reply = named(ledger, decide_and_grant(ledger, entry[1], at, given, trace))
    redis.call('HSET', drawn, entry[1], reply[1] .. ':' .. tostring(reply[2] or ''))
  end
  redis.call('DEL', pool)
  return #entries
end

-- The draw's answer to a collected applicant, or nil. A grant is answered once.
local function drawn_answer(drawn, userId)
  local answer = redis.call('HGET', drawn, userId)
  if not answer then
    return nil
  end
  local kind, value = string.match(answer, '^([^:]*):(.*)$')
  if kind == 'issued' then
    redis.call('HSET', drawn, userId, 'already-issued:')
  end
  return {kind, tonumber(value)}
end

-- One application (`collecting` = '') or one collect (`collecting` = the caller's now, epoch ms;
-- `at` = when it applied) on a known, ready ledger; `trace` is the application's traceparent. Replies decide.lua's {kind, value}, named by
-- the ledger, or {'pooled', drawAt, entered (1: new in the pool, 0: already there), pool size}.
local function apply_in_opening(ledger, pool, drawn, userId, at, given, trace, seed, collecting)
  collecting = collecting or ''
  local now = tonumber(collecting ~= '' and collecting or at)
  local drawAt = opening_draw_at(ledger)
  if drawAt and now >= ledger.startsAt and now < drawAt then
    if collecting ~= '' then
      return {'pooled', drawAt, 0, redis.call('HLEN', pool)}
    end
    -- A winner hears already-issued at once; after a draw (a caller whose clock is ahead drew
    -- already) an application is decided at once: the opening it belonged to is over.
    if redis.call('HEXISTS', KEYS[2], userId) == 1 or redis.call('EXISTS', drawn) == 1 then
      return named(ledger, decide_and_grant(ledger, userId, at, given, trace))
    end
    local entered = redis.call('HSETNX', pool, userId, at .. ':' .. trace .. ':' .. given)
    return {'pooled', drawAt, entered, redis.call('HLEN', pool)}
  end
  -- A campaign without an opening costs nothing more; a collect still draws a pool left by an
  -- opening an operator turned off meanwhile.
  if drawAt or collecting ~= '' then
    draw_opening(ledger, pool, drawn, seed)
  end
  if collecting ~= '' then
    local answer = drawn_answer(drawn, userId)
    if answer then
      return answer
    end
  end
  return named(ledger, decide_and_grant(ledger, userId, at, given, trace))
end
