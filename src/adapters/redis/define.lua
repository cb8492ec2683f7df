-- Writes a campaign's rules in one step; winners and count are untouched, so defining again (a
-- retry, a change of end date) never forgets a grant. Only a campaign this server never held is
-- made ready here (it is new, hence complete); an existing one keeps its readiness, so a define
-- can never un-fence a ledger that went back in time.
-- KEYS[1] campaign hash
-- ARGV[1] name, ARGV[2] total, ARGV[3] perUser, ARGV[4] startsAt, ARGV[5] endsAt ('' = none)
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'run', current_run())
end
redis.call('HSET', KEYS[1],
  'name', ARGV[1], 'total', ARGV[2], 'perUser', ARGV[3], 'startsAt', ARGV[4], 'endsAt', ARGV[5])
return 1
