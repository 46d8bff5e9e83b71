-- Submits quiz pages: each request is a different new visitor's POST.
-- benchmarks/run.py first opens the quiz page once per visitor (untimed) and writes one line
-- per visitor to BENCH_POOL: "<path>\t<Cookie header>\t<url-encoded form body>". Each POST
-- carries its own CSRF cookie and token and its page's seed (no session, no attempt yet), so
-- the server starts a session and an attempt and grades it every time; a success is a 302 to
-- the result page. A thread that uses up its
-- share of the pool stops, so no attempt is submitted twice (wrk then reports a shorter run).
-- Run as: wrk -t N ... -s submit.lua URL -- N

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local pool = {}
local next_index = 1
statuses = {}  -- global: done() collects it with thread:get()
local sent = 0

function init(args)
  local nthreads = tonumber(args[1]) or 1
  local file = assert(io.open(os.getenv("BENCH_POOL"), "r"))
  local n = 0
  for line in file:lines() do
    if n % nthreads == id then
      local path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(pool, wrk.format("POST", path, {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
      }, body))
    end
    n = n + 1
  end
  file:close()
end

function request()
  local req = pool[next_index]
  next_index = next_index + 1
  if next_index > #pool then next_index = #pool end
  sent = sent + 1
  return req
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if sent >= #pool then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local counts = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if s then
      for code, n in pairs(s) do counts[code] = (counts[code] or 0) + n end
    end
  end
  local parts = {}
  for code, n in pairs(counts) do table.insert(parts, string.format('"%d": %d', code, n)) end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "rps": %.2f, "p50_ms": %.3f, "p90_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "mean_ms": %.3f, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
