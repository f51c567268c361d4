-- The members of each platform upstream as nginx-agent pushes them, and the pick of one per
-- request: nginx serves a change of members, weights, backups or active group on the very next
-- request, without a reload. Written by nginx-agent into <prefix>/lua/; do not edit.
--
-- The agent PUTs the whole state of the upstreams that changed, all in one request, to the admin
-- server (a unix socket only the agent's user may open), with a version that only grows:
--   PUT /upstreams {"shop": {"version": 7, "members": [{"host": "10.0.0.5", "port": 8080,
--                    "weight": 2, "backup": false, "maxFails": 3, "failTimeout": 10}]}}
-- (PUT /upstreams/<name> takes one state.) Anything else is refused with 400 and changes nothing;
-- an older version than one held with 409, and none of the request is applied. An upstream with no
-- state here is served by the members rendered in its block (nginx's own round robin), so nginx
-- serves right after a start, before the agent pushes.

local cjson = require "cjson.safe"
local balancer = require "ngx.balancer"

local _M = {}

local states = ngx.shared.platform_upstreams
local MAX_MEMBERS = 1024
local MAX_VERSION = 2 ^ 53

-- per worker: name -> { version, primaries, backups }, decoded once per version
local decoded = {}

local function integer(value, min, max)
  return type(value) == "number" and value == math.floor(value) and value >= min and value <= max
end

local function ipv4(host)
  local a, b, c, d = host:match("^(%d%d?%d?)%.(%d%d?%d?)%.(%d%d?%d?)%.(%d%d?%d?)$")
  if not a then
    return false
  end
  for _, octet in ipairs({ a, b, c, d }) do
    if tonumber(octet) > 255 then
      return false
    end
  end
  return true
end

local function ipv6(host)
  local inner = host:match("^%[([%x:]+)%]$")
  return inner ~= nil and #inner >= 2 and #inner <= 39 and inner:find(":", 1, true) ~= nil
end

local function valid_name(name)
  return type(name) == "string" and #name <= 63 and name:match("^[a-z0-9][a-z0-9-]*$") ~= nil
end

-- The problem with a pushed state, naming its field (after prefix), or nil when it is whole and
-- valid.
local function problem(state, prefix)
  if type(state) ~= "table" then
    return (prefix == "" and "body" or prefix:sub(1, -2)) .. ": a JSON object is required"
  end
  if not integer(state.version, 1, MAX_VERSION) then
    return prefix .. "version: an integer from 1 to 2^53 is required"
  end
  local members = state.members
  if type(members) ~= "table" or #members == 0 or #members > MAX_MEMBERS then
    return prefix .. "members: a list of 1 to " .. MAX_MEMBERS .. " members is required"
  end
  for i, m in ipairs(members) do
    local field = prefix .. "members[" .. (i - 1) .. "]"
    if type(m) ~= "table" then
      return field .. ": an object is required"
    end
    if type(m.host) ~= "string" or not (ipv4(m.host) or ipv6(m.host)) then
      return field .. ".host: an IPv4 address or a bracketed IPv6 address is required"
    end
    if not integer(m.port, 1, 65535) then
      return field .. ".port: an integer from 1 to 65535 is required"
    end
    if not integer(m.weight, 1, 10000) then
      return field .. ".weight: an integer from 1 to 10000 is required"
    end
    if type(m.backup) ~= "boolean" then
      return field .. ".backup: true or false is required"
    end
    if not integer(m.maxFails, 0, 1000) then
      return field .. ".maxFails: an integer from 0 to 1000 is required"
    end
    if not integer(m.failTimeout, 1, 86400) then
      return field .. ".failTimeout: seconds from 1 to 86400 are required"
    end
  end
  return nil
end

-- The state as stored: the validated fields only, in a fixed order of members.
local function normalised(state)
  local members = {}
  for _, m in ipairs(state.members) do
    members[#members + 1] = {
      host = m.host, port = m.port, weight = m.weight, backup = m.backup,
      maxFails = m.maxFails, failTimeout = m.failTimeout,
    }
  end
  return { version = state.version, members = members }
end

local function reply(status, body)
  ngx.status = status
  ngx.header.content_type = "application/json"
  ngx.print(cjson.encode(body))
  return ngx.exit(status)
end

-- Stores states (name -> state) whole or not at all: every one valid and none older than held.
local function store(states_by_name)
  -- the newest version held of those refused: the agent's one retry goes past all of them
  local older, newest
  for name, state in pairs(states_by_name) do
    local held = states:get("v:" .. name)
    if held and state.version < held then
      older = older or name
      newest = math.max(newest or held, held)
    end
  end
  if older then
    return reply(409, { error = older .. ".version: older than the one held", held = newest })
  end
  -- one writer (the agent's single pushing thread), so reading then writing does not race
  local versions = {}
  for name, state in pairs(states_by_name) do
    local ok, err = states:set("s:" .. name, cjson.encode(normalised(state)))
    if not ok then
      return reply(507, { error = "shared dict: " .. tostring(err) })
    end
    states:set("v:" .. name, state.version) -- after the state: a reader of the version sees it
    versions[name] = state.version
  end
  return reply(200, { upstreams = versions })
end

-- The request's body decoded, or nil and the reply already sent.
local function body()
  ngx.req.read_body()
  local data = ngx.req.get_body_data()
  if not data then
    reply(400, { error = "body: a JSON object of at most 1 MB is required" })
    return nil
  end
  local decoded = cjson.decode(data)
  if type(decoded) ~= "table" then
    reply(400, { error = "body: a JSON object is required" })
    return nil
  end
  return decoded
end

-- The admin API: GET|PUT /upstreams (versions held; states of several upstreams),
-- GET|PUT|DELETE /upstreams/<name>.
function _M.admin()
  local method = ngx.req.get_method()
  local uri = ngx.var.uri
  if uri == "/upstreams" then
    if method == "PUT" then
      local all = body()
      if not all then
        return
      end
      local count = 0
      for name, state in pairs(all) do
        if not valid_name(name) then
          return reply(400, { error = "body: upstream names of [a-z0-9-], at most 63, are required" })
        end
        local wrong = problem(state, name .. ".")
        if wrong then
          return reply(400, { error = wrong })
        end
        count = count + 1
      end
      if count == 0 then
        return reply(400, { error = "body: the state of at least one upstream is required" })
      end
      return store(all)
    end
    if method ~= "GET" then
      return reply(405, { error = "method: GET or PUT" })
    end
    local versions = {}
    for _, key in ipairs(states:get_keys(0)) do
      local name = key:match("^v:(.+)$")
      if name then
        versions[name] = states:get(key)
      end
    end
    if next(versions) == nil then
      return reply(200, { upstreams = {} }) -- an empty table encodes as {}, an object
    end
    return reply(200, { upstreams = versions })
  end
  local name = uri:match("^/upstreams/(.+)$")
  if not valid_name(name) then
    return reply(404, { error = "path: /upstreams or /upstreams/<name>" })
  end
  if method == "GET" then
    local stored = states:get("s:" .. name)
    if not stored then
      return reply(404, { error = "upstream " .. name .. ": no state held" })
    end
    ngx.header.content_type = "application/json"
    ngx.print(stored)
    return ngx.exit(200)
  end
  if method == "DELETE" then
    states:delete("v:" .. name)
    states:delete("s:" .. name)
    return ngx.exit(204)
  end
  if method ~= "PUT" then
    return reply(405, { error = "method: GET, PUT or DELETE" })
  end
  local state = body()
  if not state then
    return
  end
  local wrong = problem(state, "")
  if wrong then
    return reply(400, { error = wrong })
  end
  return store({ [name] = state })
end

-- This worker's view of an upstream's state, or nil when none was pushed. Failure counts of a
-- member carry over to the next version that still has it.
local function current(name)
  local version = states:get("v:" .. name)
  if not version then
    return nil
  end
  local view = decoded[name]
  if view and view.version == version then
    return view
  end
  local state = cjson.decode(states:get("s:" .. name) or "")
  if not state then
    return nil
  end
  local before = {}
  if view then
    for _, group in ipairs({ view.primaries, view.backups }) do
      for _, peer in ipairs(group) do
        before[peer.host .. ":" .. peer.port] = peer
      end
    end
  end
  local next_view = { version = version, primaries = {}, backups = {} }
  for _, m in ipairs(state.members) do
    local old = before[m.host .. ":" .. m.port]
    local peer = {
      host = m.host, port = m.port, weight = m.weight, maxFails = m.maxFails,
      failTimeout = m.failTimeout, current = 0,
      fails = old and old.fails or 0, failedAt = old and old.failedAt or 0,
    }
    local group = m.backup and next_view.backups or next_view.primaries
    group[#group + 1] = peer
  end
  decoded[name] = next_view
  return next_view
end

-- As nginx's max_fails/fail_timeout: out after maxFails failures within failTimeout, back after.
local function available(peer, now)
  if peer.maxFails == 0 or peer.fails < peer.maxFails then
    return true
  end
  if now - peer.failedAt >= peer.failTimeout then
    peer.fails = 0
    return true
  end
  return false
end

-- Smooth weighted round robin (nginx's) among the peers not tried yet and available.
local function pick(peers, tried, now, lenient)
  local best, total = nil, 0
  for _, peer in ipairs(peers) do
    if not tried[peer] and (lenient or available(peer, now)) then
      peer.current = peer.current + peer.weight
      total = total + peer.weight
      if not best or peer.current > best.current then
        best = peer
      end
    end
  end
  if best then
    best.current = best.current - total
  end
  return best
end

-- balancer_by_lua: the peer for this try of the request.
function _M.balance(name)
  local view = current(name)
  if not view then
    return -- no state pushed: the members rendered in the upstream block serve
  end
  local ctx = ngx.ctx
  local now = ngx.now()
  local tried = ctx.platform_tried
  if tried then
    local outcome = balancer.get_last_failure()
    local peer = ctx.platform_peer
    if outcome == "failed" and peer then
      if now - peer.failedAt >= peer.failTimeout then
        peer.fails = 0
      end
      peer.fails = peer.fails + 1
      peer.failedAt = now
    end
  else
    tried = {}
    ctx.platform_tried = tried
    local count = #view.primaries + #view.backups
    if count > 1 then
      balancer.set_more_tries(count - 1)
    end
  end
  -- backups only when no primary is left; when every member failed lately, try them anyway
  local peer = pick(view.primaries, tried, now, false)
    or pick(view.backups, tried, now, false)
    or pick(view.primaries, tried, now, true)
    or pick(view.backups, tried, now, true)
    or view.primaries[1] or view.backups[1]
  tried[peer] = true
  ctx.platform_peer = peer
  local ok, err = balancer.set_current_peer(peer.host, peer.port)
  if not ok then
    ngx.log(ngx.ERR, "upstream ", name, ": cannot use ", peer.host, ":", peer.port, ": ", err)
  end
end

return _M
