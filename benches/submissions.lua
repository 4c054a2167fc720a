-- wrk script for benches/submissions.sh: each request submits a different prepared draft, with
-- that browser's session cookie and CSRF token; a thread stops when all its drafts are answered.
local threads = {}
local next_id = 0

-- wrk gives scripts no clock finer than a second; the kernel's uptime counts hundredths.
local function now()
  local file = io.open("/proc/uptime")
  local seconds = file:read("*n")
  file:close()
  return seconds
end

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  drafts = {}
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  local index = 0
  for line in io.lines(os.getenv("DRAFTS")) do
    if index % nthreads == id then
      local cookie, csrf = line:match("^(.-)\t(.*)$")
      table.insert(drafts, { cookie = cookie, csrf = csrf })
    end
    index = index + 1
  end
  sent = 0
  accepted = 0
  refused = 0
  first_status = ""
  -- wrk calls request() once on the first thread before it starts, to check the script; that
  -- call must not spend a draft.
  checking = (id == 0)
  started = -1
  finished = -1
end

function request()
  if checking then
    checking = false
    return wrk.format("GET", "/healthz")
  end
  if started < 0 then
    started = now()
  end
  sent = sent + 1
  local draft = drafts[sent]
  if draft == nil then
    -- Every draft is out; keep the connection busy with a page that changes nothing until the
    -- last answers are in.
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", "/request/submit", {
    ["Cookie"] = draft.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "csrf=" .. draft.csrf)
end

-- Once every draft is out, a connection waits a while before each filler request, so that few
-- of them are counted before the thread's last answers arrive.
function delay()
  if sent >= #drafts then
    return 50
  end
  return 0
end

function response(status, headers, body)
  if status == 200 then
    return
  end
  if status == 303 and (headers["location"] or headers["Location"]) == "/request/sent" then
    accepted = accepted + 1
  else
    refused = refused + 1
    if first_status == "" then
      first_status = " (first refusal: " .. tostring(status) .. ")"
    end
  end
  if accepted + refused == #drafts then
    finished = now()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local accepted_total, refused_total, statuses = 0, 0, ""
  local started_first, finished_last = math.huge, 0
  for _, thread in ipairs(threads) do
    accepted_total = accepted_total + thread:get("accepted")
    refused_total = refused_total + thread:get("refused")
    statuses = statuses .. thread:get("first_status")
    started_first = math.min(started_first, thread:get("started"))
    finished_last = math.max(finished_last, thread:get("finished"))
  end
  local seconds = finished_last - started_first
  io.write(string.format("submitted %d drafts in %.2f s: %.0f per second\n",
    accepted_total, seconds, accepted_total / seconds))
  io.write(string.format("accepted %d, refused %d%s; p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
    accepted_total, refused_total, statuses,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
