--! prelude: ledger-run
-- Begins or completes a seed of a campaign's persistence marks (see persistence-marks.port.ts).
-- KEYS[1] persisted-run; ARGV[1] '' to begin (reply: this server's run_id), or the run_id the
-- seed began on: the marks become complete only if the server is still that one (reply 1, else 0).
local run = current_run()
if ARGV[1] == '' then
  return run
end
if ARGV[1] ~= run then
  return 0
end
redis.call('SET', KEYS[1], run)
return 1
