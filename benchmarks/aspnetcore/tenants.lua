-- wrk script: each request names one of ten tenants by its Host header, in turn. The requests are formatted once, in
-- init, so the load generator spends its core on sending, not on building requests.
local requests = {}
local next_request = 1

function init(args)
  for i = 0, 9 do
    requests[#requests + 1] = wrk.format("GET", "/rooms/" .. i, { ["Host"] = "t" .. i .. ".localhost" })
  end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
