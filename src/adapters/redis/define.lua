--! prelude: ledger-run campaign-rules
-- Writes a campaign's rules in one step; winners and count are untouched, so defining again (a
-- retry, a correction) never forgets a grant. Only a campaign this server never held is made
-- ready here (it is new, hence complete); an existing one keeps its readiness, so a define can
-- never un-fence a ledger that went back in time.
--
-- A total below the units already consumed (granted minus returned) is refused, in the same step
-- as every grant: a correction is exact against the grants in flight, and nothing changes.
-- KEYS[1] campaign hash, KEYS[2] count
-- ARGV[1] the rules (see campaign-rules.lua), ARGV[2] the new total
-- Reply: {'defined'} or {'below-issued', consumed}
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'run', current_run())
else
  local consumed = (tonumber(redis.call('GET', KEYS[2])) or 0)
    - (tonumber(redis.call('HGET', KEYS[1], 'returned')) or 0)
  if tonumber(ARGV[2]) < consumed then
    return {'below-issued', consumed}
  end
end
write_rules(KEYS[1], ARGV[1])
return {'defined'}
