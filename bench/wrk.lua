-- wrk script for `make bench`: each request is the next line of a list of (cookie, path) pairs,
-- so the load comes from several signed-in people at once; done() prints one JSON line with
-- rps and percentiles.
--   WRK_REQUESTS=file-of-"cookie<TAB>path"-lines wrk -s bench/wrk.lua URL
-- An empty cookie sends none.

local requests = {}
local file = io.open(os.getenv("WRK_REQUESTS") or "", "r")
if file then
  for line in file:lines() do
    local cookie, path = line:match("^([^\t]*)\t(.+)$")
    if path then requests[#requests + 1] = { cookie = cookie, path = path } end
  end
  file:close()
end
if #requests == 0 then requests[1] = { cookie = "", path = "/" } end

local counter = 0

function request()
  counter = counter + 1
  local chosen = requests[(counter % #requests) + 1]
  local headers = {}
  if #chosen.cookie > 0 then headers["Cookie"] = chosen.cookie end
  return wrk.format("GET", chosen.path, headers)
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
