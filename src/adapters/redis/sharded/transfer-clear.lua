-- Step 3 of a stock transfer: removes the donor's journal entry once the recipient credited it.
-- Compare-and-delete: a slow replayer holding an old entry never removes a newer transfer's.
-- KEYS[1] donor transfers hash; ARGV[1] recipient index, ARGV[2] the entry credited
if redis.call('HGET', KEYS[1], 'out:' .. ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], 'out:' .. ARGV[1])
end
return 0
