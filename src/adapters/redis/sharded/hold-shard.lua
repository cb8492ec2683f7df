--! prelude: ledger-run
-- Holds one sub-ledger's decisions while an operator's correction is written over every
-- sub-ledger of the campaign (a lower total must be checked against every sub-ledger's grants and
-- written before anyone is granted again): reserve-shard.lua answers 'held' until the deadline,
-- and the caller asks again a moment later. The deadline is the server's clock, so a process
-- that dies mid-correction holds nothing for longer than `ms`.
-- KEYS[1] rules hash; ARGV[1] ms to hold, or '0' to release. Reply: 1
if ARGV[1] == '0' then
  redis.call('HDEL', KEYS[1], 'heldUntil')
elseif redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'heldUntil', server_ms() + tonumber(ARGV[1]))
end
return 1
