-- wrk script for `make bench`: each request picks one of several paths, sends the session
-- cookie of a real sign-in, and done() prints one JSON line with rps and percentiles.
--   WRK_PATHS=file-with-one-path-a-line WRK_COOKIE="session=..." wrk -s bench/wrk.lua URL

local paths = {}
local cookie = os.getenv("WRK_COOKIE") or ""
local file = io.open(os.getenv("WRK_PATHS") or "", "r")
if file then
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
end
if #paths == 0 then paths[1] = "/" end

local counter = 0

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local headers = {}
  if #cookie > 0 then headers["Cookie"] = cookie end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, '
    .. '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
