-- Step 1 of moving stock between two sub-ledgers: takes it from the donor, in ONE step with the
-- journal entry that says where it goes. Stock leaves a quota before it is added to another, so
-- the sum of the quotas never exceeds the total; the journal entry keeps it recoverable until
-- the recipient has it (transfer-credit.lua, or reserve-shard.lua crediting it for the
-- application that asked for the stock), whoever replays it and however often.
--
-- At most one transfer per (donor, recipient) is in flight: while `out:<recipient>` exists a new
-- one is refused and the pending one is returned for the caller to complete first. With transfer
-- numbers increasing per pair, that is what lets the recipient recognise a replay by number alone.
--
-- KEYS[1] donor rules hash, KEYS[2] donor grants count, KEYS[3] donor transfers hash
-- ARGV[1] recipient index, ARGV[2] amount wanted, ARGV[3] epoch the caller saw
--
-- Reply: {'unknown'} donor unknown · {'debited', entry}: entry = '<number>:<amount>:<epoch>' ·
--        {'pending', entry} a transfer to this recipient is still pending: complete it ·
--        {'no-spare'} · {'other-epoch'} (restored meanwhile): look again
local rules = redis.call('HMGET', KEYS[1], 'base', 'net', 'epoch', 'returned')
if not rules[3] then
  return {'unknown'}
end
if rules[3] ~= ARGV[3] then
  return {'other-epoch'}
end
local pending = redis.call('HGET', KEYS[3], 'out:' .. ARGV[1])
if pending then
  return {'pending', pending}
end
local consumed = (tonumber(redis.call('GET', KEYS[2])) or 0) - (tonumber(rules[4]) or 0)
local spare = (tonumber(rules[1]) or 0) + (tonumber(rules[2]) or 0) - consumed
if spare <= 0 then
  return {'no-spare'}
end
local amount = math.min(spare, tonumber(ARGV[2]))
local number = redis.call('HINCRBY', KEYS[3], 'next:' .. ARGV[1], 1)
redis.call('HINCRBY', KEYS[1], 'net', -amount)
local entry = number .. ':' .. amount .. ':' .. rules[3]
redis.call('HSET', KEYS[3], 'out:' .. ARGV[1], entry)
return {'debited', entry}
