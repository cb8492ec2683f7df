--! prelude: ledger-run campaign-rules
-- Writes a campaign's rules in one step; winners and count are untouched, so defining again (a
-- retry, a change of end date) never forgets a grant. Only a campaign this server never held is
-- made ready here (it is new, hence complete); an existing one keeps its readiness, so a define
-- can never un-fence a ledger that went back in time.
-- KEYS[1] campaign hash
-- ARGV[1] the rules (see campaign-rules.lua)
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'run', current_run())
end
write_rules(KEYS[1], ARGV[1])
return 1
