-- wrk script for bench/load.py: one route per wrk process, its figures printed as JSON.
--
-- Environment: BENCH_ROUTE (person, search, dashboard, api), BENCH_PERSONS (highest person
-- id), BENCH_COOKIE (a signed-in officer's session cookie, "name=value"), BENCH_TOKEN (an API
-- token), BENCH_SEED (seeds the random choice of persons and queries).

local route = os.getenv("BENCH_ROUTE")
local persons = tonumber(os.getenv("BENCH_PERSONS") or "300")
local queries = {"nguyen", "van", "thi", "tran", "le+hoang", "pham", "hung", "minh", "dinh",
                 "ngo"}

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", tonumber(os.getenv("BENCH_SEED") or "1") * 100 + threads)
end

function init(args)
  math.randomseed(seed or 1)
  if route == "api" then
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
  else
    wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  end
end

function request()
  local path
  if route == "person" then
    path = "/persons/" .. math.random(1, persons)
  elseif route == "search" then
    path = "/?q=" .. queries[math.random(#queries)]
  elseif route == "dashboard" then
    path = "/dashboard"
  else
    path = "/api/v1/persons/" .. math.random(1, persons)
  end
  return wrk.format("GET", path)
end

-- wrk counts answers of 400 and above as status errors (the bench checks the cookie first).
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "failures": %d, "median_us": %d, "p95_us": %d, ' ..
    '"errors": %d}\n',
    summary.requests, summary.duration, errors.status, latency:percentile(50),
    latency:percentile(95), errors.connect + errors.read + errors.write + errors.timeout))
end
