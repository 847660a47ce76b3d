#!/usr/bin/env bash
# run-demo.sh -- the second half of `make run`: make the demo ward in an
# embedded SQLite database and serve it on 127.0.0.1:8080.
#
# `madoguchi demo` does the demo's work itself (the folders, keys, the ward
# and its staff, the services' demo data: data/procedures, the open data of
# data/opendata/demo; it prints the logins).  What stays here: the real
# sample files of ../shared/data (not shipped; the tests start from `demo`
# and expect the fictional catalog alone), the test PKI for signed
# applications (openssl's command line, tests/sign/make-test-pki.sh), and
# the server's options.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${MADOGUCHI_DB:-sqlite:var/demo.db}
LISTEN=${MADOGUCHI_LISTEN:-127.0.0.1:8080}
./build/madoguchi demo --db "$DB" --key-dir var/keys
if [ -d ../shared/data/opendata ]; then
  ./build/madoguchi opendata import --db "$DB" --tenant 139998 --manifest data/opendata/shared-data.json \
    ../shared/data > var/opendata-import.log
fi
# --- sign (docs/signatures.md) ---
# a fictional test PKI for signed applications (made once, when openssl is
# installed): the server trusts its CA; sign as デモ 太郎 with its keys
if [ ! -d var/demo-pki ] && command -v openssl >/dev/null; then
  tests/sign/make-test-pki.sh var/demo-pki > /dev/null || rm -rf var/demo-pki
fi
SIGN_ARGS=()
if [ -d var/demo-pki/trust ]; then
  export MADOGUCHI_TRUST_DIR=${MADOGUCHI_TRUST_DIR:-var/demo-pki/trust}
  # the demo ward's signer in the browser (docs/signatures.md §5): the
  # fictional デモ 太郎's key, never in production
  SIGN_ARGS=(--demo-signer var/demo-pki)
  echo "  電子署名 / signatures: var/demo-pki (架空 fictional; 申請画面の「署名アプリで署名する」からデモ用署名 / the demo signer: docs/signatures.md)"
fi
cat <<MSG

  madoguchi デモ区 (Demo Ward, fictional) — http://$LISTEN/
  オープンデータ / open data: http://$LISTEN/opendata (CKAN API: /api/3/action/package_search)
  メールは外に送らず開発用メールボックスへ / e-mail stays on this machine: http://$LISTEN/staff/outbox (demo-admin)
  停止 / stop: Ctrl+C

MSG
# links in mail use the address the demo listens on (its port included)
exec ./build/madoguchi serve --db "$DB" --listen "$LISTEN" --key-dir var/keys --default-tenant 139998 \
  --public-url "http://$LISTEN" "${SIGN_ARGS[@]}"
