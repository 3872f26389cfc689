-- wrk script for bench/load.py: one route per wrk process, its figures printed as JSON.
--
-- Environment: BENCH_ROUTE (person, search, dashboard, api), BENCH_PERSONS (highest person
-- id), BENCH_COOKIE (a signed-in officer's session cookie, "name=value"), BENCH_TOKEN (an API
-- token), BENCH_USER_AGENT (the User-Agent the cookie's session was signed in with: a session
-- is bound to it), BENCH_SEED (seeds the random choice of persons and queries).
--
-- Every answer but 200 counts as a failure: a redirect to the sign-in page is quick, and
-- counting it as served would measure the redirect instead of the page.

local route = os.getenv("BENCH_ROUTE")
local persons = tonumber(os.getenv("BENCH_PERSONS") or "300")
local queries = {"nguyen", "van", "thi", "tran", "le+hoang", "pham", "hung", "minh", "dinh",
                 "ngo"}

local threads = {}
unexpected = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", tonumber(os.getenv("BENCH_SEED") or "1") * 100 + #threads)
end

function init(args)
  math.randomseed(seed or 1)
  wrk.headers["User-Agent"] = os.getenv("BENCH_USER_AGENT") or "wanted-bench/1"
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

function response(status, headers, body)
  if status ~= 200 then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + (thread:get("unexpected") or 0)
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "failures": %d, "median_us": %d, "p95_us": %d, ' ..
    '"errors": %d}\n',
    summary.requests, summary.duration, failures, latency:percentile(50),
    latency:percentile(95), errors.connect + errors.read + errors.write + errors.timeout))
end
