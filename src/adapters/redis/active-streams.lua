-- The outbox index (see outbox-activity.ts) with the server's clock, in one read: what a relay's
-- sweep probes, and the time it judges the marks' age by.
-- KEYS[1] outbox index. Reply: {now (epoch ms), tag, mark, tag, mark, ...}
local time = redis.call('TIME')
local reply = { tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) }
local flat = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #flat do
  reply[#reply + 1] = flat[i]
end
return reply
