--! prelude: ledger-run
-- A campaign's LedgerVersion in one atomic read (see ledger-versions.port.ts): what a process
-- that answers a settled campaign from memory re-checks, cheaply, to learn of any change.
-- KEYS[1] campaign hash, KEYS[2] count, KEYS[3] users hash, KEYS[4] sharded layout marker
-- Reply: {} when the campaign is not held in the plain layout, else
--        {ready 0/1, run, total, startsAt or '', endsAt or '', count, winners}
if redis.call('EXISTS', KEYS[4]) == 1 then
  return {}
end
local rules = redis.call('HMGET', KEYS[1], 'total', 'startsAt', 'endsAt', 'run')
if not rules[1] then
  return {}
end
local run = current_run()
local ready = 0
if rules[4] == run then
  ready = 1
end
return {ready, run, rules[1], rules[2] or '', rules[3] or '',
  tonumber(redis.call('GET', KEYS[2])) or 0, redis.call('HLEN', KEYS[3])}
