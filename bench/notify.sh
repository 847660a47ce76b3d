#!/usr/bin/env bash
# notify.sh -- an emergency alert to 100,000 subscribers (issue 20):
#  1. the time `madoguchi notify send` takes to queue them all (one
#     INSERT ... SELECT per language into the outbox, svc/notify's
#     notify_fanout);
#  2. the delivery rate of the server's own `mail.send` job (`madoguchi
#     serve --smtp-url`, as production runs: the job runner's worker, a
#     few SMTP sessions at once, src/core/mail) into Postfix's smtp-sink on
#     loopback, counted from the outbox (sent rows) over DELIVERY_SECONDS;
#  3. the p99 latency of public pages of that same server while it
#     delivers, and of the same pages on the same database without
#     delivery (the server started without a relay and with
#     --no-dev-mailbox: the 100,000 messages stay queued) as the peer;
#  4. the sink's own rate with a bare SMTP client: Postfix's smtp-source,
#     one session reusing its connection (the figure the ratio is taken
#     against), and with as many sessions as our sender opens (context).
#
#   bench/notify.sh [SUBSCRIBERS] [DELIVERY_SECONDS] [LOAD_SECONDS]
#
# The page load: wrk, 1 thread, 4 connections, each waiting 10 ms between
# requests (a paced load, not a saturating one), rotating over /,
# /procedures, /news, /life-events, /waste, /help and a search; the p99 is
# wrk's latency distribution (--latency).  Everything shares this
# machine's cores (nothing pinned): server, sink, load generator.
#
# SQLite in /tmp/mg-notify-bench (MADOGUCHI_BENCH_DB=postgresql://... for
# PostgreSQL: the database is emptied).  Prints
#   figure notify_fanout_100k_s N s
#   figure notify_smtp_rate N per_s
#   figure notify_smtp_sink_bare N per_s
#   figure notify_smtp_vs_sink N ratio
#   figure notify_smtp_sink_bare_4s N per_s
#   figure notify_public_p99_idle_ms N ms
#   figure notify_public_p99_ms N ms
#   figure notify_smtp_rate_under_load N per_s
# Needs build/madoguchi (make), sqlite3 or psql, curl, postfix's smtp-sink
# and smtp-source, and wrk (installed here as root when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

n="${1:-100000}"
secs="${2:-8}"
lsecs="${3:-8}"
conns=4     # MAIL_CONNS_DEFAULT (src/core/mail/mail.h)
work=/tmp/mg-notify-bench
bin=build/madoguchi
[ -x "$bin" ] || { echo "notify.sh: build first (make -j2 all)" >&2; exit 1; }

need=()
command -v smtp-sink >/dev/null && command -v smtp-source >/dev/null || need+=(postfix)
command -v wrk >/dev/null || need+=(wrk)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "notify.sh: installing ${need[*]} (postfix for smtp-sink and smtp-source: not configured, not started)" >&2
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "notify.sh: ${need[*]} が必要です / needs ${need[*]}: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi

rm -rf "$work"
mkdir -p "$work"
db="${MADOGUCHI_BENCH_DB:-sqlite:$work/db.sqlite}"
tenant=139998
"$bin" demo --db "$db" --key-dir "$work/keys" >/dev/null

sql() {
  case "$db" in
  sqlite:*) sqlite3 "${db#sqlite:}" "$1" ;;
  *) psql -qtA "$db" -c "$1" ;;
  esac
}

# the subscribers: a third in each language, each with its own token
case "$db" in
sqlite:*)
  sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
    INSERT INTO notify_subscriptions (tenant, account, topic, channel, address, lang, token, created_at)
    SELECT '$tenant', i, 'disaster.chuo', 'email', 'r' || i || '@example.jp',
      CASE i % 3 WHEN 0 THEN 'ja' WHEN 1 THEN 'en' ELSE 'ja-easy' END, lower(hex(randomblob(32))), 0 FROM n" ;;
*)
  psql -q "$db" -c "DELETE FROM notify_subscriptions; DELETE FROM mail_outbox" >/dev/null
  psql -q "$db" -c "INSERT INTO notify_subscriptions (tenant, account, topic, channel, address, lang, token, created_at)
    SELECT '$tenant', i, 'disaster.chuo', 'email', 'r' || i || '@example.jp',
      CASE i % 3 WHEN 0 THEN 'ja' WHEN 1 THEN 'en' ELSE 'ja-easy' END,
      md5(random()::text) || md5(random()::text), 0 FROM generate_series(1, $n) i" >/dev/null ;;
esac

out=$("$bin" notify send --db "$db" --tenant "$tenant" --topic disaster.chuo --id disaster.alert \
  --link-base https://demo-ku.example.jp --emergency ward=デモ区 area=chuo title=避難指示 \
  text=川の水位が上がっています。すぐに避難してください。)
queued=$(cut -f1 <<<"$out")
fan=$(cut -f2 <<<"$out")
[ "$queued" -eq "$n" ] || { echo "notify.sh: queued $queued of $n" >&2; exit 1; }
echo "fan-out: $queued messages queued in $fan s"
echo "figure notify_fanout_100k_s $fan s"

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(freeport)
hport=$(freeport)
smtp-sink -u nobody "127.0.0.1:$port" 256 &
sink=$!
srv=
trap 'kill $sink $srv 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

serve() {
  "$bin" serve --db "$db" --key-dir "$work/keys" --listen "127.0.0.1:$hport" \
    --default-tenant "$tenant" --static build/assets --log "$work/serve.log" "$@" >/dev/null &
  srv=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$hport/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "notify.sh: the server did not start (see $work/serve.log)" >&2
  exit 1
}
stop_serve() { kill "$srv"; wait "$srv" 2>/dev/null || true; srv=; }

# the page load: wrk, paced (10 ms between a connection's requests)
cat >"$work/pages.lua" <<'LUA'
local paths = { "/", "/procedures", "/news", "/life-events", "/waste", "/help",
                "/search?q=%E4%BD%8F%E6%B0%91%E7%A5%A8" }
local i = 0
request = function() i = i % #paths + 1; return wrk.format("GET", paths[i]) end
delay = function() return 10 end
LUA
# p99 in ms from wrk's latency distribution (after 2 s of the same load,
# not counted: caches warm); refuses a run with errors
p99() {
  local o
  wrk -t1 -c4 -d2s -s "$work/pages.lua" "http://127.0.0.1:$hport" >/dev/null
  o=$(wrk -t1 -c4 -d"${1}s" --latency -s "$work/pages.lua" "http://127.0.0.1:$hport")
  if grep -qE 'Non-2xx|Socket errors' <<<"$o"; then
    echo "notify.sh: the page load had errors:" >&2
    echo "$o" >&2
    exit 1
  fi
  awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1;
        printf "%.2f\n", v * f }' <<<"$o"
}

# the peer: the same pages, the same database, no delivery
serve --no-dev-mailbox
p99_idle=$(p99 "$lsecs")
stop_serve

# delivery by the server's job; the rate counted from the outbox once
# delivery has begun
serve --smtp-url "smtp://127.0.0.1:$port" --smtp-starttls none \
  --mail-from noreply@demo-ku.example.jp
for _ in $(seq 100); do [ "$(sql "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")" -gt 0 ] && break; sleep 0.1; done
s0=$(sql "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")
t0=$(date +%s.%N)
sleep "$secs"
s1=$(sql "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")
t1=$(date +%s.%N)
p99_busy=$(p99 "$lsecs")
s2=$(sql "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'")
t2=$(date +%s.%N)
left=$(sql "SELECT COUNT(*) FROM mail_outbox WHERE state = 'queued'")
stop_serve
[ "$left" -gt 0 ] || { echo "notify.sh: the queue ran dry during the page load: give more subscribers" >&2; exit 1; }
failed=$(sql "SELECT COUNT(*) FROM mail_outbox WHERE state = 'failed'")
[ "$failed" -eq 0 ] || { echo "notify.sh: $failed messages failed" >&2; exit 1; }
rate=$(python3 -c "print(round(($s1 - $s0) / ($t1 - $t0), 1))")
rate_load=$(python3 -c "print(round(($s2 - $s1) / ($t2 - $t1), 1))")
echo "delivery: $((s1 - s0)) sent in $(python3 -c "print(round($t1 - $t0, 2))") s by the server's job ($left still queued at the end)"
echo "figure notify_smtp_rate $rate per_s"

# the sink's own rate: smtp-source, its connection reused, messages of
# about our size (a base64 body of ~1.5 kB); one session, then as many as
# our sender's
m=$(python3 -c "print(max(2000, int($rate * $secs)))")
t0=$(date +%s.%N)
smtp-source -d -s 1 -m "$m" -l 1500 -f noreply@demo-ku.example.jp -t r1@example.jp "127.0.0.1:$port"
t1=$(date +%s.%N)
bare=$(python3 -c "print(round($m / ($t1 - $t0), 1))")
t0=$(date +%s.%N)
smtp-source -d -s "$conns" -m "$m" -l 1500 -f noreply@demo-ku.example.jp -t r1@example.jp "127.0.0.1:$port"
t1=$(date +%s.%N)
bare4=$(python3 -c "print(round($m / ($t1 - $t0), 1))")
echo "figure notify_smtp_sink_bare $bare per_s"
echo "figure notify_smtp_vs_sink $(python3 -c "print(round($rate / $bare, 3))") ratio"
echo "figure notify_smtp_sink_bare_${conns}s $bare4 per_s"
echo "figure notify_public_p99_idle_ms $p99_idle ms"
echo "figure notify_public_p99_ms $p99_busy ms"
echo "figure notify_smtp_rate_under_load $rate_load per_s"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
