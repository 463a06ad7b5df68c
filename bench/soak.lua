-- The soak mix: 70 % page reads, 20 % searches, 10 % writes (a new lesson or a new page, each
-- with a title of its own), all with the bearer token given by -H. Every answer must be a
-- 2xx or 3xx: wrk reports anything else as "Non-2xx or 3xx responses".
local reads = {
  "/", "/lessons", "/org", "/pages", "/postmortems", "/retros", "/experiments", "/actions",
  "/changes", "/people", "/api/v1/lessons?limit=20", "/api/v1/pages?limit=20",
}
local searches = {
  "/search?q=cache", "/search?q=deploy+rollback", "/search?q=%22error+budget%22",
  "/search?q=stampeed", "/search?q=how+do+we+handle+retries", "/api/v1/search?q=latency",
}
local n, thread_id = 0, 0
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end
request = function()
  n = n + 1
  local r = n % 10
  if r == 0 then
    local title = string.format("Soak %d-%d %s", thread_id, n, (n % 20 == 0) and "page" or "lesson")
    local body = '{"title":"' .. title .. '","body":"What we learned while soaking: retries need jitter."}'
    local path = (n % 20 == 0) and "/api/v1/pages" or "/api/v1/lessons"
    -- Headers given here replace wrk's own (the token from -H), so copy those first.
    local headers = { ["Content-Type"] = "application/json" }
    for k, v in pairs(wrk.headers) do headers[k] = v end
    return wrk.format("POST", path, headers, body)
  elseif r <= 2 then
    return wrk.format("GET", searches[(n % #searches) + 1])
  end
  return wrk.format("GET", reads[(n % #reads) + 1])
end
