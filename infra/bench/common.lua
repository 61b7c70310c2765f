-- What openloop.lua and submit.lua share: a microsecond clock (LuaJIT's FFI: wrk's Lua has no
-- clock finer than a second) and the list of wrk's threads, each numbered (its global `tid`).
-- Loaded by each script with dofile, in every thread's Lua state.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } heard_timespec;
int clock_gettime(int clk_id, heard_timespec *tp);
]]
local ts = ffi.new("heard_timespec")

local common = { threads = {} }

-- Seconds, as a float: clock 0 is CLOCK_REALTIME (UTC, shared with the Python side), 1 CLOCK_MONOTONIC.
function common.seconds(clock)
  ffi.C.clock_gettime(clock, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function setup(thread)
  table.insert(common.threads, thread)
  thread:set("tid", #common.threads)
end

return common
