-- Puts ledger tags into the outbox index (see outbox-activity.ts) with the SERVER's clock, so the
-- age of a mark never depends on the clocks of the processes that wrote and read it.
-- KEYS[1] outbox index (sorted set tag -> last mark, epoch ms); ARGV the tags. Reply: the mark.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
for i = 1, #ARGV do
  redis.call('ZADD', KEYS[1], now, ARGV[i])
end
return now
