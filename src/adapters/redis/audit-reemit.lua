-- Appends the grants of the given sequences to the campaign's outbox again, as decide.lua wrote
-- them (and as revoke.lua did, for a revoked coupon): the persistence audit's repair (issue 22).
-- Everything an entry says is read from the ledger here, in the same atomic step, so a sequence
-- the ledger does not hold is skipped: a repair can never invent a coupon (G4). The consumer's
-- insert is idempotent, so re-emitting a grant whose row exists after all costs nothing.
-- KEYS[1] sequences ZSET, KEYS[2] issued-at hash, KEYS[3] revoked hash, KEYS[4] outbox stream,
-- KEYS[5] users hash; ARGV[1] campaignId, ARGV[2..] sequences. Reply: entries appended.
local appended = 0
for i = 2, #ARGV do
  local users = redis.call('ZRANGE', KEYS[1], ARGV[i], ARGV[i], 'BYSCORE')
  local userId = users[1]
  if userId and redis.call('HGET', KEYS[5], userId) == ARGV[i] then
    local issuedAt = redis.call('HGET', KEYS[2], userId)
    if issuedAt then
      local coupon = '{"v":2,"campaignId":"' .. ARGV[1] .. '","userId":"' .. userId
        .. '","sequence":' .. ARGV[i] .. ',"issuedAt":' .. issuedAt
      local revocation = redis.call('HGET', KEYS[3], userId)
      if revocation then
        local at, how = string.match(revocation, '^(%d+):(%a+)$')
        coupon = coupon .. ',"revokedAt":' .. at .. ',"returned":'
          .. (how == 'returned' and 'true' or 'false')
      end
      redis.call('XADD', KEYS[4], '*', 'coupon', coupon .. '}')
      appended = appended + 1
    end
  end
end
return appended
