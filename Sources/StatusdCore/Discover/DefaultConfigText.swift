/// The parts of the shipped Config/statusd.yaml after its inputs (rules, commented sinks, status,
/// metrics), written after the inputs `statusd discover` found. Kept equal to that file by
/// DiscoverTests.
enum DefaultConfigText {
    static let afterInputs = #"""
# Rules. `match` is a class (1xx..5xx), `52x` (Cloudflare 520-530), `aborts` (000, nginx 499,
# ALB 460), a code (`502`), or a list of these. The rate is the share of all requests in the window.
rules:
  - name: server-errors
    match: 5xx
    rate_above: 5%                          # fire above this share of requests
    resolve_below: 2%                       # resolve at or below this (default: rate_above)
    window: 5m                              # 10s to 7d
    min_requests: 100                       # no alert on 1 error in 2 requests (default 20)
    # guard: wilson                         # the 95% Wilson lower bound must exceed rate_above (default); none: off
    for: 1m                                 # must hold this long before firing (default 0s)
    # resolve_for: 1m                       # must stay calm this long before resolving (default 0s)
    # keep_firing_for: 5m                   # resolve only once it has not breached this long (default 0s)
    # repeat: 4h                            # remind while still firing (default: never)
    # flap_limit: 4                         # more firings+resolutions an hour: held as flapping (default 4; 0 off)
    severity: critical                      # critical | warning (default)
    # inputs: [web]                         # default: every input
    # group_by: [input]                     # one alert per input (host, path_prefix, upstream: not yet)
    # max_groups: 20                        # more groups are folded into `other`
    # sinks: [chat]                         # default: every sink that takes the rule's severity

  - name: origin-errors
    match: 52x
    rate_above: 1%
    window: 5m
    inhibits: [server-errors]               # while this fires, server-errors alerts are not sent

  # An availability objective, alerted with the SRE Workbook's burn-rate pairs: page (critical)
  # when 1h and 5m burn above 14.4x or 6h and 30m above 6x; ticket (warning) when 3d and 6h above 1x.
  # - name: availability
  #   match: 5xx
  #   objective: 99.9%
  #   period: 30d

  # - name: aborts-burst
  #   match: '000'
  #   count_above: 50                       # more than 50 in the window
  #   window: 1m

  # - name: site-silent
  #   no_traffic: 5m                        # no line for 5m ...
  #   below: 10%                            # ... or under 10% of the usual level ...
  #   baseline: 1h                          # ... of the hour before
  #   group_by: [input]

  # - name: error-spike
  #   match: 5xx
  #   spike: 4x                             # 4 times its own rate over the baseline
  #   window: 5m
  #   baseline: 1h
  #   floor: 1%                             # and above 1%

  - name: client-aborts
    match: aborts
    rate_above: 10%
    window: 5m

# Chat and webhook sinks (journald gets every alert, whatever the sinks). None is enabled. A webhook
# URL is a secret: keep it out of this file. The packaged unit reads /etc/statusd/statusd.env (mode
# 0600; systemd reads it as root) into the environment, so put `SLACK_URL=https://hooks...` there
# and name it with url_env (url_file works too, for a file the service can read). `statusd check`
# warns when a config holding a URL inline can be read by others; `statusd test-sink NAME` sends a
# marked test message; `systemctl reload statusd` applies a change.
# sinks:
#   - name: chat
#     type: slack                           # slack | mattermost | discord | teams | googlechat | webhook | alertmanager
#     url_env: SLACK_URL                    # or url_file: /etc/statusd/slack.url, or url: https://hooks...
#     # severities: [critical]              # only these severities (default: all)
#     # link: "https://grafana.example/d/web?host={host}&from={since}&to={until}"
#   - name: ops-discord
#     type: discord
#     url_env: DISCORD_URL
#   - name: teams
#     type: teams                           # a Workflows webhook; posts an Adaptive Card
#     url_env: TEAMS_URL
#   - name: mattermost
#     type: mattermost
#     url_env: MATTERMOST_URL
#   - name: google-chat
#     type: googlechat
#     url_env: GOOGLECHAT_URL
#   - name: hook
#     type: webhook                         # JSON document, signed the Standard Webhooks way
#     url_env: STATUSD_HOOK_URL
#     secret_env: STATUSD_HOOK_SECRET       # whsec_... or at least 16 characters
#     # payload: alertmanager               # Alertmanager's webhook format (for receivers built for it)
#   - name: am
#     type: alertmanager                    # POST /api/v2/alerts; firing alerts re-sent every resend_interval (1m)
#     urls: [http://alertmanager-1:9093, http://alertmanager-2:9093]   # a cluster: each gets every alert; or url
# A rule may name its sinks (`sinks: [chat]`); by default it goes to every sink that takes its severity.

status:
  socket: /run/statusd/statusd.sock         # HTTP + JSON on a Unix socket, mode 0660
  # max_connections: 1024                   # served at once; one more is answered 503

# Prometheus metrics (GET /metrics), off unless set; no TLS or auth: loopback or a private address.
# metrics:
#   listen: "127.0.0.1:9464"
#   max_connections: 64

# state_dir: /var/lib/statusd
# host: web-01                              # this machine's name in alerts (default: the system's host name)
# log_level: info                           # trace | debug | info | notice | warning | error | critical

"""#
}
