-- The campaign's rules as every define and restore script receives them (in the order `rulesOf`
-- in ledger-codec.ts encodes them): ARGV[1] name, ARGV[2] total, ARGV[3] perUser,
-- ARGV[4] startsAt, ARGV[5] endsAt ('' = none). Writes them into a rules hash under the field
-- names the deciding and reading scripts use, with the caller's own fields after them (`...`),
-- in ONE HSET.
local function write_rules(key, ...)
  redis.call('HSET', key,
    'name', ARGV[1], 'total', ARGV[2], 'perUser', ARGV[3], 'startsAt', ARGV[4], 'endsAt', ARGV[5],
    ...)
end
