-- Appended to every benchmark script: counts non-2xx answers per thread and prints one JSON line.
local threads = {}
non2xx = 0
local script_setup = setup

function setup(thread)
  table.insert(threads, thread)
  if script_setup then script_setup(thread) end
end

function response(status, headers, body)
  if status >= 400 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format('{"bench":1,"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    bad, e.connect + e.read + e.write + e.timeout))
end
