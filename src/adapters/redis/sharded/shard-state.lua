-- Reads one sub-ledger's stock in one atomic step (what a rebalance decides from).
-- KEYS[1] rules hash, KEYS[2] grants count, KEYS[3] transfers hash
-- Reply: {} when the sub-ledger has no rules, else
--   {epoch, total, quota, consumed, {transfers hash as field, value, …}}
-- consumed: the units its grants took, minus those revocations returned to stock (what a quota
-- bounds).
local rules = redis.call('HMGET', KEYS[1], 'epoch', 'total', 'base', 'net', 'returned')
if not rules[1] then
  return {}
end
local quota = (tonumber(rules[3]) or 0) + (tonumber(rules[4]) or 0)
local count = (tonumber(redis.call('GET', KEYS[2])) or 0) - (tonumber(rules[5]) or 0)
return {rules[1], tonumber(rules[2]), quota, count, redis.call('HGETALL', KEYS[3])}
