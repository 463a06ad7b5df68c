-- The expensive case (issue #17): questions and paraphrases where few records hold every
-- word, so records with most of them are ranked too; with synonyms, compounds and a typo.
local paths = {
  "/search?q=how+do+we+roll+back+a+bad+canary+release",
  "/search?q=why+did+the+db+migration+break+prod",
  "/search?q=k8s+cluster+upgrade+went+wrong",
  "/search?q=oncall+rotation+burnout+in+small+squads",
  "/search?q=what+is+our+retry+policy+for+payment+provider+timeouts",
  "/search?q=cdn+config+pushed+everywhere+took+the+site+down",
  "/search?q=flaky+test+suite+slows+the+deploy+pipeline",
  "/search?q=tls+certificate+expired+without+an+alert",
  "/search?q=message+queue+consumer+lag+backlog",
  "/search?q=connection+pool+exhausted+during+load+balancer+healthcheck",
  "/search?q=error+budget+zanzibar+policy",
  "/search?q=rate+limiter+thundering+herd",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
