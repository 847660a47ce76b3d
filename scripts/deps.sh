#!/usr/bin/env bash
# deps.sh -- install what madoguchi needs on Debian 12, only what is missing.
#
#   scripts/deps.sh          build and run dependencies (make run)
#   scripts/deps.sh --test   also what the test suite needs (make test):
#                            PostgreSQL server, Chromium, clang for fuzzing,
#                            the tools tests call (pdftotext, rapper, xmllint, ...:
#                            checked afterwards, since a test without its
#                            tool fails), and the npm packages of tests/
#                            (playwright-core, axe-core, design tokens,
#                            holiday oracle)
#
# Safe to run again: it asks dpkg what is there and installs the rest.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN_PKGS=(build-essential pkg-config make
  libh2o-evloop-dev libssl-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev
  libsodium-dev liboath-dev libqrencode-dev libcurl4-openssl-dev libutf8proc-dev
  libglpk-dev libzint-dev zlib1g-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk
  libjpeg62-turbo-dev libpng-dev libexif-dev libproj-dev
  nodejs npm)
TEST_PKGS=(postgresql raptor2-utils poppler-utils zbar-tools openssl chromium clang libclang-rt-14-dev wrk oathtool curl proj-bin
  procps psmisc libxml2-utils)

want=("${RUN_PKGS[@]}")
[ "${1:-}" = "--test" ] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
  # node may come from outside Debian (a newer release): accept any working one
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: これらのパッケージが必要です。root で実行してください / these packages are needed; run as root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# the commands the test suite calls (unit tests through popen, the Node
# tests through execFile): a missing one makes its tests fail, never skip,
# so say it here first
if [ "${1:-}" = "--test" ]; then
  gone=()
  for c in pdftotext pdfinfo pdftoppm zbarimg rapper psql openssl oathtool sqlite3 iconv clang chromium curl xmllint; do
    command -v "$c" >/dev/null || gone+=("$c")
  done
  ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || gone+=(initdb)
  if [ ${#gone[@]} -gt 0 ]; then
    echo "deps: コマンドが見つかりません / commands not found after installing: ${gone[*]}" >&2
    exit 1
  fi
fi

# npm packages: the design tokens and vendor assets are needed to run,
# the browser test tools only to test.
if [ ! -d node_modules/@digital-go-jp/design-tokens ] || \
   { [ "${1:-}" = "--test" ] && [ ! -d node_modules/playwright-core ]; } || \
   [ package.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm install"
  npm install --no-audit --no-fund --loglevel=error
fi
