-- wrk script for open-loop load: requests at a fixed rate whatever the answers
-- do, latency measured from when each request was DUE (what wrk2 does; wrk2 is
-- not packaged for Debian). Run with as many threads as connections (-tN -cN),
-- so each thread's Lua state drives exactly one connection:
--
--   connection c (1..N) sends its k-th request (k = 0, 1, ...) at
--   BENCH_START + (c - 1 + k * N) / BENCH_RATE
--
-- so together they send BENCH_RATE requests a second, evenly spread. With
-- BENCH_WINDOWS (window starts, UTC epoch seconds, comma-separated) and
-- BENCH_SLICE (seconds), that schedule runs only inside the windows, each
-- BENCH_SLICE long, and is paused in between: several apps, each loaded by its
-- own wrk, can take turns many times in one run without restarting wrk. A request
-- whose connection is still busy when it falls due is sent as soon as it is
-- free and still timed from its due time: a server that stalls is charged for
-- every request that would have arrived meanwhile (no coordinated omission).
-- wrk's timers have millisecond steps, so a request may leave up to 1 ms early;
-- it is then timed from when it left, never from before.
--
-- Environment: BENCH_KIND ("form": GET BENCH_PATH; "submit": POST the form to
-- BENCH_PATH with BENCH_BODY, {id} replaced by a fresh submission id, then GET
-- the thank-you page the 303 points to, which must contain BENCH_THANKS_MARK;
-- timed from the POST's due time to the end of the thank-you page),
-- BENCH_RATE (requests, or submissions, a second, all connections together),
-- BENCH_START (UTC epoch seconds of the first due time), BENCH_SECONDS (in all,
-- BENCH_SLICE times the number of windows when there are windows),
-- BENCH_NONCE, and BENCH_OUT (file: one line per completed request, "due
-- microseconds (UTC epoch) <tab> latency microseconds"; then the submission ids
-- sent / accepted / thanked, as submit.lua logs them).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local threads = common.threads
local function now() -- seconds since the epoch, UTC
  return common.seconds(0)
end

function init(args)
  kind = os.getenv("BENCH_KIND")
  path = os.getenv("BENCH_PATH")
  body = os.getenv("BENCH_BODY") or ""
  nonce = os.getenv("BENCH_NONCE") or "00000000"
  mark = os.getenv("BENCH_THANKS_MARK") or ""
  rate = tonumber(os.getenv("BENCH_RATE"))
  windows, slice, total = schedule()
  connections = tonumber(os.getenv("BENCH_CONNECTIONS"))
  form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  state, location, k, seq = "first", nil, 0, 0
  due, sent_at, free_since = 0, 0, 0
  dues, latencies = {}, {} -- one entry per completed request (or submission)
  bad, lag = 0, 0 -- wrong answers; the client's own worst lateness (a free connection sending late)
  accepted, thanked = {}, {}
  running = false -- wrk calls request() once to check the script before any delay(): that one is never sent
end

function schedule() -- the window starts, each window's length and the seconds of load in all
  local seconds, listed = tonumber(os.getenv("BENCH_SECONDS")), os.getenv("BENCH_WINDOWS") or ""
  if listed == "" then return { tonumber(os.getenv("BENCH_START")) }, seconds, seconds end
  local starts = {}
  for t in listed:gmatch("[^,]+") do starts[#starts + 1] = tonumber(t) end
  local each = tonumber(os.getenv("BENCH_SLICE"))
  return starts, each, each * #starts
end

-- Connection c's j-th request (from 0), n connections, r a second: its UTC due time, or nil once past the end.
local function due_time(c, j, n, r)
  local own = (c - 1 + j * n) / r -- seconds into the schedule, as if its windows were back to back
  if own >= total then return nil end
  local w = math.floor(own / slice)
  return windows[w + 1] + (own - w * slice)
end

local function next_due()
  return due_time(tid, k, connections, rate)
end

function delay()
  running = true
  if state == "thanks" then return 0 end
  local d = next_due()
  if d == nil then return 3600000 end -- this connection's share is sent: stay quiet until wrk stops
  return math.max(0, math.floor((d - now()) * 1000 + 0.5))
end

function request()
  if not running then return wrk.format("GET", "/") end
  if state == "thanks" then
    return wrk.format("GET", location)
  end
  due = next_due()
  k = k + 1
  sent_at = now()
  if free_since <= due then lag = math.max(lag, sent_at - due) end
  state = "waiting"
  if kind == "form" then
    return wrk.format("GET", path)
  end
  seq = seq + 1
  local id = string.format("%s-%04x-4000-8000-%012x", nonce, tid, seq)
  return wrk.format("POST", path, form_headers, (body:gsub("{id}", id)))
end

local function finished(ok)
  local t = now()
  free_since = t
  state = "ready"
  if ok then
    dues[#dues + 1] = due
    -- From the due time, or from when it left if wrk's millisecond timer sent it early: a request sent late
    -- because its connection was still busy counts the wait (math.max here once hid exactly that wait).
    latencies[#latencies + 1] = t - math.min(due, sent_at)
  else
    bad = bad + 1
  end
end

function response(status, headers, body)
  if kind == "form" then
    finished(status == 200)
  elseif state == "waiting" then
    if status == 303 then
      accepted[#accepted + 1] = seq
      location = headers["Location"] or headers["location"]
      state = "thanks"
    else
      finished(false)
    end
  else
    local ok = status == 200 and (mark == "" or (body ~= nil and body:find(mark, 1, true) ~= nil))
    if ok then thanked[#thanked + 1] = seq end
    finished(ok)
  end
end

function done(summary, latency, requests)
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  local sent, completed, bad_total, worst_lag = 0, 0, 0, 0
  for i, thread in ipairs(threads) do
    local thread_dues, thread_latencies = thread:get("dues"), thread:get("latencies")
    for j = 1, #thread_dues do
      out:write(string.format("%.0f\t%.0f\n", thread_dues[j] * 1e6, thread_latencies[j] * 1e6))
    end
    sent = sent + thread:get("k")
    completed = completed + #thread_dues
    bad_total = bad_total + thread:get("bad")
    worst_lag = math.max(worst_lag, thread:get("lag"))
  end
  for i, thread in ipairs(threads) do
    out:write(string.format("S %d %d\n", i, thread:get("seq")))
    for _, n in ipairs(thread:get("accepted")) do out:write(string.format("A %d %d\n", i, n)) end
    for _, n in ipairs(thread:get("thanked")) do out:write(string.format("T %d %d\n", i, n)) end
  end
  out:close()
  -- Every request that fell due counts, sent or not: a connection still waiting when wrk stops never sent
  -- its last ones, and leaving those out would hide the worst of a stall.
  windows, slice, total = schedule()
  local r, n = tonumber(os.getenv("BENCH_RATE")), #threads
  local due_total = 0
  for c = 1, n do
    local j = 0
    while due_time(c, j, n, r) ~= nil do j = j + 1 end
    due_total = due_total + j
  end
  local e = summary.errors
  io.write(string.format(
    '{"due":%d,"sent":%d,"completed":%d,"bad_status":%d,"socket_errors":%d,"lag_us":%d}\n',
    due_total, sent, completed, bad_total, e.connect + e.read + e.write + e.timeout, worst_lag * 1e6))
end
