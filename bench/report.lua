-- wrk prints this one line at the end: bench/run.py reads it.
-- Latencies come in microseconds, the duration too.
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "rps": %.2f, "median_ms": %.3f, "p95_ms": %.3f, '
      .. '"socket_errors": %d, "http_errors": %d}\n',
    summary.requests,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000,
    latency:percentile(95) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout,
    errors.status
  ))
end
