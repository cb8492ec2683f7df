-- The campaign's rules as every define and restore script receives them: ONE argument, a JSON
-- object field -> value (strings; '' for an absent bound), made by encodeRules in
-- ledger-codec.ts, the one place that lists the fields. Writes every field into the rules hash as
-- it comes, then the caller's own fields (`...`), then a new version stamp, in ONE HSET: a new
-- rule is a new field in encodeRules and in the script that decides on it, nothing else here.
local function write_rules(key, rules_json, ...)
  local fields = {}
  for field, value in pairs(cjson.decode(rules_json)) do
    fields[#fields + 1] = field
    fields[#fields + 1] = tostring(value)
  end
  for _, value in ipairs({...}) do
    fields[#fields + 1] = value
  end
  fields[#fields + 1] = 'stamp'
  fields[#fields + 1] = new_stamp()
  redis.call('HSET', key, unpack(fields))
end
