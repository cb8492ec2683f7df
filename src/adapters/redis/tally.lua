-- What a campaign (or one sub-ledger) has handed out, in one atomic read, never reported for a
-- ledger whose rules are gone.
-- KEYS[1] rules hash, KEYS[2] count, KEYS[3] revoked hash, KEYS[4] the sharded layout's marker
-- (a sub-ledger's caller passes a key that never exists)
-- Reply: {issued, revoked, returned}; nil when the ledger holds no rules; 'held-elsewhere' when
-- the campaign is laid out in sub-ledgers instead.
if redis.call('EXISTS', KEYS[1]) == 0 then
  if redis.call('EXISTS', KEYS[4]) == 1 then
    return 'held-elsewhere'
  end
  return false
end
return {tonumber(redis.call('GET', KEYS[2])) or 0, redis.call('HLEN', KEYS[3]),
  tonumber(redis.call('HGET', KEYS[1], 'returned')) or 0}
