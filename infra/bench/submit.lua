-- wrk script for a full submission, run with as many threads as connections
-- (-t64 -c64), so each thread drives one connection like one person:
-- POST the filled-in form with a fresh submission id, follow the 303 to the
-- thank-you page, start again. wrk does not follow redirects itself; this
-- script does, and times POST + thank-you together.
--
-- Environment: BENCH_PATH (form action), BENCH_BODY (urlencoded form with
-- {id} where the submission id goes), BENCH_NONCE (8 hex digits, new per run),
-- BENCH_THANKS_MARK (text the thank-you page must contain, else it counts as
-- bad), BENCH_LOG (file: every submission id sent, accepted and thanked,
-- written at the end), and for the free-text variant BENCH_TEXT_FIELD,
-- BENCH_TEXT_EVERY (every Nth submission carries BENCH_TEXT, urlencoded) and
-- BENCH_FLAG_EVERY (every Nth of those carries BENCH_FLAGGED_TEXT instead).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
local threads = common.threads
local function now_us()
  return common.seconds(1) * 1000000
end

function init(args)
  path = os.getenv("BENCH_PATH")
  body = os.getenv("BENCH_BODY")
  nonce = os.getenv("BENCH_NONCE")
  mark = os.getenv("BENCH_THANKS_MARK") or ""
  text_field = os.getenv("BENCH_TEXT_FIELD") or ""
  text_every = tonumber(os.getenv("BENCH_TEXT_EVERY") or "0")
  flag_every = tonumber(os.getenv("BENCH_FLAG_EVERY") or "0")
  text = os.getenv("BENCH_TEXT") or ""
  flagged_text = os.getenv("BENCH_FLAGGED_TEXT") or ""
  form_headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  state, location, started, seq = "post", nil, 0, 0
  flows, posts, completed, bad = {}, 0, 0, 0
  -- the same flows by what the submission carried (0 no text, 1 text, 2 flagged text): which make the tail
  flows_calm, flows_text, flows_flagged, kind = {}, {}, {}, 0
  accepted, thanked = {}, {} -- sequence numbers, for the log
end

-- Which text (if any) submission number n carries: 0 none, 1 plain, 2 flagged.
function text_kind(n)
  if text_field == "" or text_every <= 0 or n % text_every ~= 0 then return 0 end
  if flag_every > 0 and (n / text_every) % flag_every == 0 then return 2 end
  return 1
end

function request()
  if state == "thanks" then
    return wrk.format("GET", location)
  end
  seq = seq + 1
  local id = string.format("%s-%04x-4000-8000-%012x", nonce, tid, seq)
  started = now_us()
  local filled = body:gsub("{id}", id)
  kind = text_kind(seq)
  if kind > 0 then
    filled = filled .. "&" .. text_field .. "=" .. (kind == 2 and flagged_text or text)
  end
  return wrk.format("POST", path, form_headers, filled)
end

function response(status, headers, body)
  if state == "post" then
    if status == 303 then
      posts = posts + 1
      accepted[#accepted + 1] = seq
      location = headers["Location"] or headers["location"]
      state = "thanks"
    else
      bad = bad + 1
    end
  else
    state = "post"
    if status == 200 and (mark == "" or (body and body:find(mark, 1, true))) then
      completed = completed + 1
      thanked[#thanked + 1] = seq
      local took = now_us() - started
      flows[#flows + 1] = took
      local by_kind = (kind == 2 and flows_flagged) or (kind == 1 and flows_text) or flows_calm
      by_kind[#by_kind + 1] = took
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
  local by_kind = {}
  for i, name in ipairs({ "flows_calm", "flows_text", "flows_flagged" }) do
    local these = {}
    for _, thread in ipairs(threads) do
      for _, v in ipairs(thread:get(name)) do these[#these + 1] = v end
    end
    table.sort(these)
    by_kind[i] = these
  end
  local log_path = os.getenv("BENCH_LOG")
  if log_path then
    -- One line per thread: "tid last-seq", then "A tid seq" / "T tid seq" for each accepted / thanked.
    local f = io.open(log_path, "w")
    for i, thread in ipairs(threads) do
      f:write(string.format("S %d %d\n", i, thread:get("seq")))
      for _, n in ipairs(thread:get("accepted")) do f:write(string.format("A %d %d\n", i, n)) end
      for _, n in ipairs(thread:get("thanked")) do f:write(string.format("T %d %d\n", i, n)) end
    end
    f:close()
  end
  local function pct(p, these)
    these = these or all
    if #these == 0 then return 0 end
    return these[math.max(1, math.ceil(#these * p / 100))]
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"posts":%d,"completed":%d,"bad_status":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"socket_errors":%d,' ..
    '"p99_by_kind_us":[%d,%d,%d],"count_by_kind":[%d,%d,%d]}\n',
    summary.requests, summary.duration, posts_total, completed_total, bad_total, pct(50), pct(99),
    all[#all] or 0, e.connect + e.read + e.write + e.timeout,
    pct(99, by_kind[1]), pct(99, by_kind[2]), pct(99, by_kind[3]), #by_kind[1], #by_kind[2], #by_kind[3]))
end
