-- wrk script for a full submission, run with as many threads as connections
-- (-t64 -c64), so each thread drives one connection like one person:
-- POST the filled-in form with a fresh submission id, follow the 303 to the
-- thank-you page, start again. wrk does not follow redirects itself; this
-- script does, and times POST + thank-you together.
--
-- Environment: BENCH_PATH (form action), BENCH_BODY (urlencoded form with
-- {id} where the submission id goes), BENCH_NONCE (8 hex digits, new per run).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } heard_timespec;
int clock_gettime(int clk_id, heard_timespec *tp);
]]
local ts = ffi.new("heard_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  path = os.getenv("BENCH_PATH")
  body = os.getenv("BENCH_BODY")
  nonce = os.getenv("BENCH_NONCE")
  form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  state, location, started, seq = "post", nil, 0, 0
  flows, posts, completed, bad = {}, 0, 0, 0
end

function request()
  if state == "thanks" then
    return wrk.format("GET", location)
  end
  seq = seq + 1
  local id = string.format("%s-%04x-4000-8000-%012x", nonce, tid, seq)
  started = now_us()
  return wrk.format("POST", path, form_headers, (body:gsub("{id}", id)))
end

function response(status, headers, _)
  if state == "post" then
    if status == 303 then
      posts = posts + 1
      location = headers["Location"] or headers["location"]
      state = "thanks"
    else
      bad = bad + 1
    end
  else
    state = "post"
    if status == 200 then
      completed = completed + 1
      flows[#flows + 1] = now_us() - started
    else
      bad = bad + 1
    end
  end
end

function done(summary, latency, requests)
  local all, posts_total, completed_total, bad_total = {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    for _, v in ipairs(thread:get("flows")) do all[#all + 1] = v end
    posts_total = posts_total + thread:get("posts")
    completed_total = completed_total + thread:get("completed")
    bad_total = bad_total + thread:get("bad")
  end
  table.sort(all)
  local function pct(p)
    if #all == 0 then return 0 end
    return all[math.max(1, math.ceil(#all * p / 100))]
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"posts":%d,"completed":%d,"bad_status":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, posts_total, completed_total, bad_total, pct(50), pct(99),
    all[#all] or 0, e.connect + e.read + e.write + e.timeout))
end
