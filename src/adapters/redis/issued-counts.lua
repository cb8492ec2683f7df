-- The grants of many plain campaigns in one round trip (the periodic check reads the whole
-- catalog's). On a single server only: a cluster spreads the keys over slots, and the caller then
-- reads one campaign at a time.
-- KEYS: per campaign, its rules hash, its count and the sharded layout's marker (3 keys each)
-- Reply: per campaign, its count, 'held-elsewhere' (laid out in sub-ledgers) or 'none'.
local reply = {}
for i = 1, #KEYS, 3 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    reply[#reply + 1] = tonumber(redis.call('GET', KEYS[i + 1])) or 0
  elseif redis.call('EXISTS', KEYS[i + 2]) == 1 then
    reply[#reply + 1] = 'held-elsewhere'
  else
    reply[#reply + 1] = 'none'
  end
end
return reply
