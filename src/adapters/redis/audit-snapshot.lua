-- What one persistence audit cycle needs to know of a campaign's ledger, in ONE round trip (see
-- LedgerAudit.snapshot): a settled campaign that was audited costs this script and nothing else.
-- KEYS[1] campaign hash, KEYS[2] users hash, KEYS[3] count, KEYS[4] sequences ZSET,
-- KEYS[5] audited mark, KEYS[6] outbox stream, KEYS[7] the sharded layout's marker
-- Reply: {'ready', grants, highest, audited ('' when never), outbox depth, returned} ·
-- {'unknown'} · {'sharded'} · {'index-incomplete'} (winners the sequences ZSET does not hold:
-- granted before it existed)
if redis.call('HEXISTS', KEYS[1], 'total') == 0 then
  if redis.call('EXISTS', KEYS[7]) == 1 then
    return {'sharded'}
  end
  return {'unknown'}
end
local grants = redis.call('ZCARD', KEYS[4])
if grants ~= redis.call('HLEN', KEYS[2]) then
  return {'index-incomplete'}
end
return {'ready', grants, tonumber(redis.call('GET', KEYS[3])) or 0,
  redis.call('GET', KEYS[5]) or '', redis.call('XLEN', KEYS[6]),
  tonumber(redis.call('HGET', KEYS[1], 'returned')) or 0}
