-- Reads "does the ledger know the campaign" and "how many were granted" in one atomic step, so
-- a count is never reported for a campaign whose rules are gone.
-- KEYS[1] campaign (or sub-ledger) hash, KEYS[2] count, KEYS[3] the sharded layout's marker (a
-- sub-ledger has none: its caller passes a key that never exists)
-- Reply: the count; nil when the ledger holds no rules; 'held-elsewhere' when the campaign is laid
-- out in sub-ledgers instead.
if redis.call('EXISTS', KEYS[1]) == 0 then
  if redis.call('EXISTS', KEYS[3]) == 1 then
    return 'held-elsewhere'
  end
  return false
end
return tonumber(redis.call('GET', KEYS[2])) or 0
