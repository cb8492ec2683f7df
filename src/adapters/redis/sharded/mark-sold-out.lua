-- Marks a sub-ledger "sold out for good" after a rebalance saw every sub-ledger's grants add up
-- to the total. From then on reserve-shard.lua answers sold-out in its one call, instead of each
-- late application scanning every sub-ledger again. The mark names the rules it was computed
-- under (epoch and total) and is written only if they still hold here, so a restore or a higher
-- total is never answered from a stale mark.
-- KEYS[1] rules hash; ARGV[1] epoch, ARGV[2] total
local rules = redis.call('HMGET', KEYS[1], 'epoch', 'total')
if rules[1] == ARGV[1] and rules[2] == ARGV[2] then
  redis.call('HSET', KEYS[1], 'soldOut', ARGV[1] .. ':' .. ARGV[2])
  return 1
end
return 0
