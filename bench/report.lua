-- wrk script for bench/run.py: counts answers that are not 2xx and prints one JSON line.
--
--   wrk -t1 -c4 -d10s -s bench/report.lua -H "Cookie: ..." http://127.0.0.1:PORT/path
--
-- Runs with one thread (-t1): done() reads that thread's counter.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  not_2xx = 0
  first_bad = 0
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
  local bad, first = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_2xx")
    if first == 0 then
      first = thread:get("first_bad")
    end
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, '
      .. '"p99_ms": %.3f, "max_ms": %.3f, "bytes": %d, "not_2xx": %d, "first_bad_status": %d, '
      .. '"socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.bytes, bad, first,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
