-- wrk script for t/52_soak.t: requests a list of paths round-robin and records every response's
-- status by path, and for the rewritten article whether the version markers at the start and end
-- of its body agree (a torn read of the file) and match its title and summary (a page mixing two
-- versions). Run with one connection per thread (-t N -c N), so that each
-- response belongs to the thread's last request. Each request asks for its connection to be
-- closed: with keep-alive, httpd's event MPM drops idle keep-alive connections whenever all its
-- workers are busy (and on a graceful restart), and wrk, which never retries, would count those
-- as read errors; with one request per connection a socket error can only be a lost response.
--   wrk -tN -cN ... -s soak.lua URL -- PATHS_FILE OUT_FILE REWRITTEN_PATH
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if line ~= "" then paths[#paths + 1] = line end
   end
   out_file = args[2]
   rewritten = args[3]
   statuses = {}   -- "path status" -> count
   failures = {}   -- "path status epoch-second" -> count, for anything but 2xx/3xx
   checked, torn, mixed = 0, 0, 0
   versions = {}   -- distinct body versions seen
   counter = id or 0
end

function request()
   counter = counter + 1
   last = paths[(counter % #paths) + 1]
   return wrk.format("GET", last, { ["Connection"] = "close" })
end

function response(status, headers, body)
   local key = last .. " " .. status
   statuses[key] = (statuses[key] or 0) + 1
   if status >= 400 then
      local k = key .. " " .. os.time()
      failures[k] = (failures[k] or 0) + 1
   end
   if last == rewritten and status == 200 then
      checked = checked + 1
      local b = body:match("BEGIN%-v(%d+)%-")
      local e = body:match("%-END%-v(%d+)")
      if not b or b ~= e then torn = torn + 1 end
      local t = body:match("<h1[^>]*>Rewritten v(%d+)</h1>")
      local s = body:match('<meta name="description" content="Summary v(%d+)"')
      if t ~= b or s ~= b then mixed = mixed + 1 end
      if b then versions[b] = true end
   end
end

function done(summary, latency, requests)
   -- runs in the main state, where init() never ran: the thread knows the file
   local f = assert(io.open(threads[1]:get("out_file"), "w"))
   local total = { checked = 0, torn = 0, mixed = 0 }
   local seen = {}
   for _, t in ipairs(threads) do
      for k, n in pairs(t:get("statuses") or {}) do
         f:write("status ", k, " ", n, "\n")
      end
      for k in pairs(t:get("versions") or {}) do seen[k] = true end
      for k, n in pairs(t:get("failures") or {}) do f:write("failure ", k, " ", n, "\n") end
      for k in pairs(total) do total[k] = total[k] + (t:get(k) or 0) end
   end
   local nv = 0
   for _ in pairs(seen) do nv = nv + 1 end
   f:write("rewritten ", total.checked, " ", total.torn, " ", total.mixed, " ", nv, "\n")
   local e = summary.errors
   f:write("summary ", summary.requests, " ", summary.duration, " ", e.connect, " ", e.read, " ",
           e.write, " ", e.status, " ", e.timeout, "\n")
   f:close()
end
