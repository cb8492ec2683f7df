--! prelude: ledger-run
-- Reads the persistence marks of one campaign, trusted only on the server process they were
-- completed on (the same run_id fence as the ledger's, see ledger-run.lua): after a restart, a
-- failover or a flush they may have lost marks, so they answer "incomplete" until re-seeded.
-- KEYS[1] persisted hash, KEYS[2] persisted-run; ARGV[1] userId, or '' for the count
-- Reply: {'incomplete'}; with a userId {'absent'} or {'persisted', mark}; else {'count', n}.
if redis.call('GET', KEYS[2]) ~= current_run() then
  return {'incomplete'}
end
if ARGV[1] == '' then
  return {'count', redis.call('HLEN', KEYS[1])}
end
local mark = redis.call('HGET', KEYS[1], ARGV[1])
if not mark then
  return {'absent'}
end
return {'persisted', mark}
