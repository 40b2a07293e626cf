-- wrk script for ondemand.sh: each request names a server in a window of WINDOW names that slides through the SERVERS
-- configured ones, one name further every SLIDE requests, so servers keep entering use (activated on their first
-- request) and falling out of it (released once idle). The window's start is shared through the request count, so
-- every connection of a thread uses the same window. Set by the script: SERVERS, WINDOW, SLIDE.
local servers, window, slide
local count = 0

function init(args)
  servers = tonumber(os.getenv("SERVERS"))
  window = tonumber(os.getenv("WINDOW"))
  slide = tonumber(os.getenv("SLIDE"))
  math.randomseed(os.time() + (tonumber(args[1]) or 0))
end

function request()
  count = count + 1
  local first = math.floor(count / slide)
  local i = (first + math.random(0, window - 1)) % servers
  return wrk.format("GET", "/rooms/" .. (i % 10), { ["Host"] = "t" .. i .. ".localhost" })
end
