--! prelude: ledger-run
-- Everything a process needs to answer a settled plain campaign from memory, read in ONE atomic
-- step, so the copy is consistent by construction: the version (ledger-version.lua's), the rules
-- hash as stored, the count, the winners and the instants of their grants.
-- KEYS[1] campaign hash, KEYS[2] count, KEYS[3] users hash, KEYS[4] issued-at hash,
-- KEYS[5] revoked hash
-- Reply: {} when the campaign is not held here, else
--        {stamp, ready 0/1, {rules field, value, ...}, count, {user, sequence, ...},
--         {user, ms, ...}, {user, revocation, ...}}
local rules = redis.call('HGETALL', KEYS[1])
if #rules == 0 then
  return {}
end
local stamp, run
for i = 1, #rules, 2 do
  if rules[i] == 'stamp' then
    stamp = rules[i + 1]
  elseif rules[i] == 'run' then
    run = rules[i + 1]
  end
end
local ready = 0
if run == current_run() then
  ready = 1
end
return {stamp or '', ready, rules, tonumber(redis.call('GET', KEYS[2])) or 0,
  redis.call('HGETALL', KEYS[3]), redis.call('HGETALL', KEYS[4]), redis.call('HGETALL', KEYS[5])}
