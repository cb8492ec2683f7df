-- The restore scripts' (restore.lua, sharded/restore-shard.lua) way of replacing what a ledger
-- holds with a reconciled copy: the copy, written beforehand into a staging key (in batches, so a
-- large restore never blocks Redis for long), is checked whole first, then RENAMEd over the
-- ledger's key. `expected` is how many members the caller staged (0: the restored ledger has none,
-- and nothing was staged); `size` is the command that counts them (HLEN for a hash, SCARD for a
-- set). A staging key that expired or was only partly written must never become the ledger.
local function staged_incomplete(staging, expected, size)
  if expected <= 0 then
    return nil
  end
  local staged = redis.call(size, staging)
  if staged ~= expected then
    return redis.error_reply(
      'RESTORE_INCOMPLETE staged ' .. staged .. ' of ' .. expected .. ' into ' .. staging)
  end
  return nil
end

-- Replaces `target` with the checked staging key (UNLINK frees the old one in the background;
-- RENAME would free it inline, O(n)).
local function swap_in(target, staging, expected)
  redis.call('UNLINK', target)
  if expected > 0 then
    redis.call('RENAME', staging, target)
    redis.call('PERSIST', target)
  end
end
