-- wrk script for bench/run.py: counts answers that are not 2xx and prints one JSON line.
--
--   wrk -t1 -c4 -d10s -s bench/report.lua -H "Cookie: ..." http://127.0.0.1:PORT/path
--
-- A varied row gives a file of paths (one a line) and a seed after the URL:
--
--   wrk -t1 -c4 -d10s -s bench/report.lua http://127.0.0.1:PORT/ -- PATHS SEED
--
-- and each request then draws one of those paths at random, seeded, so a run asks for the
-- same pages in the same order. Without them, every request asks for the URL's path. A
-- line may give a cookie after the path and a tab: that page is asked for with it (as
-- someone else than the -H Cookie's user), the other headers as given.
--
-- Runs with one thread (-t1): done() reads that thread's counters.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_2xx = 0
  first_bad = 0
  pages = 0 -- the distinct paths there are to draw from (0: the URL's path only)
  drawn = 0 -- how many of them the run asked for
  if args[1] then
    draw_from(args[1], tonumber(args[2]) or 1)
  end
end

function draw_from(file, seed)
  local requests = {}
  for line in io.lines(file) do
    local path, cookie = line:match("^([^\t]*)\t(.+)$")
    if path then
      local headers = {}
      for name, value in pairs(wrk.headers) do
        headers[name] = value
      end
      headers["Cookie"] = cookie
      table.insert(requests, wrk.format(nil, path, headers))
    elseif line ~= "" then
      table.insert(requests, wrk.format(nil, line))
    end
  end
  pages = #requests
  math.randomseed(seed)
  local asked = {}
  -- wrk calls request() once before the run to check what it returns: that one is not sent.
  local checked = false
  -- Defined here, not at the top: wrk sends one fixed request, built once, when the script
  -- has no request() (the rows with one URL).
  request = function()
    local i = math.random(pages)
    if not checked then
      checked = true
    elseif not asked[i] then
      asked[i] = true
      drawn = drawn + 1
    end
    return requests[i]
  end
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
    if first_bad == 0 then
      first_bad = status
    end
  end
end

function done(summary, latency, requests)
  local bad, first, pages, drawn = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_2xx")
    if first == 0 then
      first = thread:get("first_bad")
    end
    pages = math.max(pages, thread:get("pages"))
    drawn = drawn + thread:get("drawn")
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, '
      .. '"p99_ms": %.3f, "max_ms": %.3f, "bytes": %d, "not_2xx": %d, "first_bad_status": %d, '
      .. '"socket_errors": %d, "pages": %d, "pages_drawn": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.bytes, bad, first,
    errors.connect + errors.read + errors.write + errors.timeout, pages, drawn
  ))
end
