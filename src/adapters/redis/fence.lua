--! prelude: ledger-run
-- Stops a campaign deciding until the next restore: its `run` no longer names this server
-- process (see ledger-run.lua). Does nothing to a campaign the ledger does not hold.
-- KEYS[1] campaign (or sub-ledger) rules hash
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'run', 'fenced', 'stamp', new_stamp())
end
return 1
