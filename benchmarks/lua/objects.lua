-- wrk script: cycle through object names, GET existing objects or PUT new ones.
--
-- wrk -s objects.lua <base-url> -- <mode> <path-prefix> <path-suffix> <stem> <count> <width> [body-file]
--   mode get: GET <prefix><stem><index, zero-padded to width><suffix>, index cycling over [0, count)
--   mode put: PUT <prefix><stem>t<thread>-<n><suffix> with the bytes of body-file, a new name per request
-- done() prints one "WRK_JSON {...}" line with exact counters for the Python side to parse.

local thread_counter = 0

function setup(thread)
   thread_counter = thread_counter + 1
   thread:set("thread_id", thread_counter)
end

function init(args)
   mode = args[1]
   prefix = args[2]
   suffix = args[3]
   stem = args[4]
   count = tonumber(args[5])
   name_format = "%s%s%0" .. args[6] .. "d%s"
   -- spread the threads over the name space so they do not read the same objects in lockstep
   index = ((thread_id or 1) - 1) * 7919 % count
   sent = 0
   if mode == "put" then
      local file = assert(io.open(args[7], "rb"))
      wrk.method = "PUT"
      wrk.body = file:read("*a")
      file:close()
   end
end

function request()
   if mode == "put" then
      sent = sent + 1
      local path = string.format("%s%st%d-%d%s", prefix, stem, thread_id or 1, sent, suffix)
      return wrk.format(nil, path)
   end
   local path = string.format(name_format, prefix, stem, index, suffix)
   index = (index + 1) % count
   return wrk.format(nil, path)
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "bytes": %d, "duration_us": %d, "connect_errors": %d, '
         .. '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, '
         .. '"latency_p50_us": %d, "latency_p99_us": %d, "latency_max_us": %d}\n',
      summary.requests, summary.bytes, summary.duration, errors.connect, errors.read, errors.write,
      errors.status, errors.timeout, latency:percentile(50), latency:percentile(99), latency.max))
end
