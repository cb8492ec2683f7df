--! prelude: ledger-run
-- A plain campaign's version in one atomic read: the stamp every change of its rules or readiness
-- renews (see new_stamp in ledger-run.lua), and whether it is ready on this server process. What
-- a process holding a settled copy re-checks, cheaply, to learn of any change (settled-campaigns.ts).
-- KEYS[1] campaign hash, KEYS[2] users hash.
-- Reply: {} when the campaign is not held here, else {stamp, ready 0/1, winners}.
local rules = redis.call('HMGET', KEYS[1], 'stamp', 'run')
if not rules[1] then
  return {}
end
local ready = 0
if rules[2] == current_run() then
  ready = 1
end
return {rules[1], ready, redis.call('HLEN', KEYS[2])}
