-- Reads "does the ledger know the campaign" and "how many were granted" in one atomic step, so
-- a count is never reported for a campaign whose rules are gone.
-- KEYS[1] campaign hash, KEYS[2] count. Reply: nil when the campaign is unknown, else the count.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
return tonumber(redis.call('GET', KEYS[2])) or 0
