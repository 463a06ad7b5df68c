-- A mix of what people type: one word, two words, a phrase, a typo (corrected by fika).
local paths = {
  "/search?q=cache", "/search?q=deploy", "/search?q=rollback", "/search?q=latency",
  "/search?q=onboarding", "/search?q=jitter", "/search?q=certificate",
  "/search?q=cache+stampede", "/search?q=feature+flag", "/search?q=retry+policy",
  "/search?q=flaky+test", "/search?q=payment+provider",
  "/search?q=%22error+budget%22", "/search?q=%22small+batches%22", "/search?q=%22cache+stampede%22",
  "/search?q=rolback", "/search?q=stampeed", "/search?q=certficate", "/search?q=latencey",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
