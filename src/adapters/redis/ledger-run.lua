-- A chunk, prepended to every script that needs the fence below: each names it in its first
-- line, `--! prelude: ledger-run …` (see redis-scripts.ts).
--
-- The fence against a ledger that went back in time. Redis can come back OLDER than what it
-- acknowledged: a restart from an AOF/RDB that missed the last writes, a failover to a replica
-- that had not received them, a restored backup. Each of those is a new server process, with a
-- new run_id. A campaign is ready only on the server process that last reconciled it with the
-- durable record: its rules hash carries that run_id in the field `run`, written by define (a new
-- campaign is trivially complete) and by restore. A script that finds another run_id there (or
-- none) decides nothing: the campaign answers LEDGER_NOT_READY until it is reconciled.
-- A replica has its own run_id, so a promoted replica is fenced like a restarted master.
local function current_run()
  return string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
end

-- The version stamp of a campaign's rules hash: every script that changes its rules or its
-- readiness (define, restore, fence, and any rule change to come) writes a new one, and a copy of
-- a settled campaign held in process memory is valid only while the stamp it was taken under is
-- still there (settled-campaigns.ts). The server's clock in microseconds: a recreated hash never
-- repeats an older stamp.
local function new_stamp()
  local time = redis.call('TIME')
  return time[1] .. string.format('%06d', tonumber(time[2]))
end

-- The server's clock in epoch milliseconds (a hold's deadline is judged by it, never a client's).
local function server_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
