--! prelude: ledger-run
-- What the persistence audit learns of changes in ONE read, whatever the number of campaigns
-- (LedgerAudit.changes): this server's run_id (a restart, a failover, a restored backup: the fence
-- of ledger-run.lua) and the outbox index (outbox-activity.ts), where every grant, revocation and
-- re-emit is marked before it is written, and which keeps a tag for the quiet time after.
-- KEYS[1] outbox index. Reply: {run_id, tag, tag, ...}
local reply = { current_run() }
local tags = redis.call('ZRANGE', KEYS[1], 0, -1)
for i = 1, #tags do
  reply[#reply + 1] = tags[i]
end
return reply
