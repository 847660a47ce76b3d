#!/usr/bin/env bash
# notify.sh -- an emergency alert to 100,000 subscribers (issue 20):
# the time `madoguchi notify send` takes to queue them all (one INSERT ...
# SELECT per language into the outbox, svc/notify's notify_fanout), and
# the delivery rate of `madoguchi mail send-pending` into Postfix's
# smtp-sink on loopback against the sink's own rate with a bare SMTP
# client (Postfix's smtp-source, one session reusing its connection, as
# our sender does per batch).
#
#   bench/notify.sh [SUBSCRIBERS] [DELIVERY_SECONDS]
#
# SQLite in /tmp/mg-notify-bench (MADOGUCHI_BENCH_DB=postgresql://... for
# PostgreSQL: the database is emptied).  Prints
#   figure notify_fanout_100k_s N s
#   figure notify_smtp_rate N per_s
#   figure notify_smtp_sink_bare N per_s
#   figure notify_smtp_vs_sink N ratio
# Needs build/madoguchi (make), sqlite3 or psql, and postfix's smtp-sink
# and smtp-source (installed here as root when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

n="${1:-100000}"
secs="${2:-20}"
work=/tmp/mg-notify-bench
bin=build/madoguchi
[ -x "$bin" ] || { echo "notify.sh: build first (make -j2 all)" >&2; exit 1; }

if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "notify.sh: installing postfix (for smtp-sink and smtp-source; not configured, not started)" >&2
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postfix >/dev/null
  else
    echo "notify.sh: Postfix の smtp-sink が必要です / needs postfix's smtp-sink: apt-get install postfix" >&2
    exit 1
  fi
fi

rm -rf "$work"
mkdir -p "$work"
db="${MADOGUCHI_BENCH_DB:-sqlite:$work/db.sqlite}"
tenant=139998
"$bin" demo --db "$db" --key-dir "$work/keys" >/dev/null

# the subscribers: a third in each language, each with its own token
case "$db" in
sqlite:*)
  sqlite3 "${db#sqlite:}" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
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

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
smtp-sink -u nobody "127.0.0.1:$port" 256 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

# our delivery: send-pending (20 batches a call) again and again for
# $secs seconds, then count what was sent
sent_before=0
t0=$(date +%s.%N)
end=$(( $(date +%s) + secs ))
while [ "$(date +%s)" -lt "$end" ]; do
  "$bin" mail send-pending --db "$db" --smtp-url "smtp://127.0.0.1:$port" \
    --smtp-starttls none --mail-from noreply@demo-ku.example.jp >/dev/null 2>&1
done
t1=$(date +%s.%N)
case "$db" in
sqlite:*) sent=$(sqlite3 "${db#sqlite:}" "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'") ;;
*) sent=$(psql -qtA "$db" -c "SELECT COUNT(*) FROM mail_outbox WHERE state = 'sent'") ;;
esac
rate=$(python3 -c "print(round(($sent - $sent_before) / ($t1 - $t0), 1))")
echo "delivery: $sent sent in $(python3 -c "print(round($t1 - $t0, 2))") s"
echo "figure notify_smtp_rate $rate per_s"

# the sink's own rate: smtp-source, one session, its connection reused,
# messages of about our size (a base64 body of ~1.5 kB)
m=$(python3 -c "print(max(1000, int($rate * $secs)))")
t0=$(date +%s.%N)
smtp-source -d -s 1 -m "$m" -l 1500 -f noreply@demo-ku.example.jp -t r1@example.jp "127.0.0.1:$port"
t1=$(date +%s.%N)
bare=$(python3 -c "print(round($m / ($t1 - $t0), 1))")
echo "figure notify_smtp_sink_bare $bare per_s"
echo "figure notify_smtp_vs_sink $(python3 -c "print(round($rate / $bare, 3))") ratio"
