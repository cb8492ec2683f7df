-- Acknowledges published entries and deletes them from the stream in one step: the consumer
-- group forgets them (no redelivery) and the stream stays as small as the unpublished backlog.
-- Doing both atomically keeps "entries in the stream = undelivered + pending", which the outbox
-- relies on to skip idle streams. Unknown or already acknowledged ids are ignored by Redis.
-- KEYS[1] outbox stream; ARGV[1] consumer group; ARGV[2..] entry ids (at most a few thousand).
local ids = {}
for i = 2, #ARGV do
  ids[#ids + 1] = ARGV[i]
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
return redis.call('XDEL', KEYS[1], unpack(ids))
