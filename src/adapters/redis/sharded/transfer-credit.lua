-- Step 2 of a stock transfer: adds the stock to the recipient's quota, at most once per transfer.
-- Idempotent: `in:<donor>` remembers the last transfer number credited from that donor, and a
-- donor's transfers to one recipient are debited, credited and cleared strictly one after the
-- other (transfer-debit.lua), so "number <= in:<donor>" means "already credited".
--
-- KEYS[1] recipient rules hash, KEYS[2] recipient transfers hash
-- ARGV[1] donor index, ARGV[2] transfer number, ARGV[3] amount, ARGV[4] epoch of the transfer
--
-- Reply: 'credited' now · 'already-credited' (a replay) · 'recipient-unknown' (lost: the entry
-- stays in the donor's journal until a restore) · 'other-epoch' (a restore is under way or
-- happened: the entry is void or will be, never credited across epochs)
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  return 'recipient-unknown'
end
if epoch ~= ARGV[4] then
  return 'other-epoch'
end
local number = tonumber(ARGV[2])
local credited = tonumber(redis.call('HGET', KEYS[2], 'in:' .. ARGV[1])) or 0
if number <= credited then
  return 'already-credited'
end
redis.call('HSET', KEYS[2], 'in:' .. ARGV[1], number)
redis.call('HINCRBY', KEYS[1], 'net', tonumber(ARGV[3]))
return 'credited'
