-- POST {"name":"x"} with a fixed pause per connection: with C connections and D ms, at most C*1000/D req/s
-- (wrk's latency figures exclude the pause). Used for the "p99 at 1,000 runs/s" point.
wrk.method = "POST"
wrk.body   = '{"name":"x"}'
wrk.headers["Content-Type"] = "application/json"
local pause = tonumber(os.getenv("PAUSE_MS") or "20")
function delay() return pause end
