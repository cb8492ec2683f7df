-- The first step of restore.lua and sharded/restore-shard.lua: the reconciled winners, written
-- beforehand into a staging hash (in batches, so a large restore never blocks Redis for long),
-- replace the ledger's winners hash. `expected` is how many distinct winners the caller staged
-- (0: the restored ledger has none, and nothing was staged).
-- Returns nil when done, or the error reply for the script to return (then nothing was changed).
local function swap_in_staged_winners(users, staging, expected)
  if expected > 0 then
    -- A staging hash that expired or was only partly written must never become the ledger.
    local staged = redis.call('HLEN', staging)
    if staged ~= expected then
      return redis.error_reply(
        'RESTORE_INCOMPLETE staged ' .. staged .. ' of ' .. expected .. ' winners')
    end
    -- UNLINK frees the old winners in the background; RENAME would free them inline (O(n)).
    redis.call('UNLINK', users)
    redis.call('RENAME', staging, users)
    redis.call('PERSIST', users)
  else
    redis.call('UNLINK', users)
  end
  return nil
end
