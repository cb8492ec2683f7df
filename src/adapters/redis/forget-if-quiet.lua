-- Removes a tag from the outbox index (see outbox-activity.ts) only if nobody marked it since the
-- caller read its mark, and that mark is at least `quiet` old by the server's clock. The caller
-- saw its stream empty; a newer mark means a ledger is about to grant (or granted) there.
-- KEYS[1] outbox index; ARGV[1] tag, ARGV[2] the mark seen, ARGV[3] quiet (ms). Reply: 1 removed.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then
  return 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if now - tonumber(score) < tonumber(ARGV[3]) then
  return 0
end
return redis.call('ZREM', KEYS[1], ARGV[1])
