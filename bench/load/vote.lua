-- wrk script for the vote path: POST {"choice":k} (k cycling 1..3) to the path given as the first
-- script argument, each request with its own device cookie so the one-vote-per-device rule never
-- rejects a benchmark vote. Counts responses by status and prints one machine-readable line.
--
--   wrk -t1 -c64 -d10s -s bench/load/vote.lua http://127.0.0.1:8080 -- /api/v1/polls/<id>/votes <run> [think_ms]
--
-- <run> (a non-negative integer) keeps the device ids of different runs against one poll distinct.
-- [think_ms] (whole milliseconds, default 0) makes each connection wait that long after a response
-- before its next request, so C connections offer at most C / (think + latency) requests a second:
-- latency below saturation instead of at it.
-- Device ids are 32 lowercase base32 characters (a-z, 2-7), the shape pantau mints; a malformed
-- cookie would make the server mint a new id instead of enforcing the rule on ours.

local alphabet = "abcdefghijklmnopqrstuvwxyz234567"

-- `width` base32 digits of the non-negative integer n (most significant first).
local function b32(n, width)
  local out = {}
  for i = width, 1, -1 do
    local d = n % 32
    out[i] = alphabet:sub(d + 1, d + 1)
    n = (n - d) / 32
  end
  return table.concat(out)
end

-- setup() runs in the main Lua state once per thread: give each thread its own id and keep the
-- thread handles so done() can collect their counters.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- Globals, per Lua state. wrk also calls request() once in its main state, before any init(), to
-- check the request; the defaults make that call harmless.
path = "/"
tid = 0
sent = 0
status_counts = {}
think_ms = 0

-- The request is built from pieces made once, so that wrk's single thread spends its time on the
-- network rather than in Lua: with wrk.format and a digit-by-digit cookie per request it topped out
-- near 80k requests/s against nginx on this machine (nginx itself answers ~125k), which hid how much
-- faster the baseline is.
local head = ""    -- request line and headers up to the device id's counter digits
local tails = {}   -- [choice]: the end of the headers and the body
local high = ""    -- the counter's digits above the lowest two (they change every 1024 requests)
local low = {}     -- [n]: the counter's lowest two digits
for n = 0, 1023 do low[n] = b32(n, 2) end

function init(args)
  path = args[1] or "/"
  local run = tonumber(args[2] or "0") or 0
  think_ms = tonumber(args[3] or "0") or 0
  local prefix = "b" .. b32(run, 9) .. b32(tid, 6)  -- 16 characters; + 16 for the counter = 32
  head = "POST " .. path .. " HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port ..
         "\r\nContent-Type: application/json\r\nContent-Length: 12\r\nCookie: pantau_did=" .. prefix
  for choice = 1, 3 do tails[choice] = '\r\n\r\n{"choice":' .. choice .. '}' end
  -- wrk looks for delay() after init(), per thread: defining it only when asked keeps the saturated
  -- runs free of its per-request timer.
  if think_ms > 0 then
    function delay() return think_ms end
  end
end

function request()
  local n = sent
  sent = n + 1
  local digits = n % 1024
  if digits == 0 then high = b32((n - digits) / 1024, 14) end
  return head .. high .. low[digits] .. tails[n % 3 + 1]
end

function response(status, hdrs, body)
  status_counts[status] = (status_counts[status] or 0) + 1
end

-- Lines for scripts/bench.sh: "STATUS 201=1234 409=2 ...", "SENT n" (requests built; responses may
-- be fewer when the run is cut off mid-request), "LATENCY_US p50 p99" and the socket errors.
function done(summary, latency, requests)
  local total = {}
  local sent_all = 0
  for _, thread in ipairs(threads) do
    sent_all = sent_all + (thread:get("sent") or 0)
    local counts = thread:get("status_counts")
    for code, n in pairs(counts or {}) do
      total[code] = (total[code] or 0) + n
    end
  end
  local codes = {}
  for code, _ in pairs(total) do table.insert(codes, code) end
  table.sort(codes)
  local parts = {}
  for _, code in ipairs(codes) do table.insert(parts, code .. "=" .. total[code]) end
  io.write("STATUS " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("SENT %d\n", sent_all))
  io.write(string.format("LATENCY_US %d %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
