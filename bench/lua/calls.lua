-- Calls made by many users, each call unique: the caller is drawn at random from BENCH_TOKENS (a file,
-- one access token a line), and every request gets a fresh idempotency key, sent as the
-- Idempotency-Key header (BENCH_KEY_HEADER=1) and/or put into the body (BENCH_BODY, with %s for it).
-- A repeated key would be answered as a replay, not measured as a new call.
local tokens = {}
local counter = 0
local thread_id = 0
local ids = 0
local template = os.getenv("BENCH_BODY")
local key_header = os.getenv("BENCH_KEY_HEADER") == "1"

function setup(thread)
  ids = ids + 1
  thread:set("id", ids)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do table.insert(tokens, line) end
  thread_id = id or 0
  math.randomseed(os.time() * 1000 + thread_id)
end

function request()
  counter = counter + 1
  local key = string.format("bench-%d-%d-%d-%d", os.time(), thread_id, counter, math.random(1000000000))
  wrk.headers["Authorization"] = "Bearer " .. tokens[math.random(#tokens)]
  if key_header then wrk.headers["Idempotency-Key"] = key end
  local body = wrk.body
  if template then body = string.format(template, key) end
  return wrk.format(nil, nil, nil, body)
end
