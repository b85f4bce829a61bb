-- wrk script: small JSON vote POSTs, as the vote endpoint receives them.
wrk.method = "POST"
wrk.path = "/api/v1/polls/Xk3f9QwzP2/votes"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"choice":"paslon-2","s":"wa-7f3k"}'
