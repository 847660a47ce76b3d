#!/usr/bin/env bash
# run-demo.sh -- the second half of `make run`: create the demo ward in an
# embedded SQLite database (once) and serve it on 127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${MADOGUCHI_DB:-sqlite:var/demo.db}
LISTEN=${MADOGUCHI_LISTEN:-127.0.0.1:8080}
mkdir -p var
./build/madoguchi demo --db "$DB" --key-dir var/keys
# the demo ward's procedures (電子申請): a new version only when one changed
./build/madoguchi procedure load --db "$DB" --tenant 139998 data/procedures > var/procedure-load.log
# the demo ward's open data catalog: fictional デモ区 data, and the real
# sample files of ../shared/data (not shipped here; see their SOURCES.md)
./build/madoguchi opendata import --db "$DB" --tenant 139998 data/opendata/demo > var/opendata-import.log
if [ -d ../shared/data/opendata ]; then
  ./build/madoguchi opendata import --db "$DB" --tenant 139998 --manifest data/opendata/shared-data.json ../shared/data >> var/opendata-import.log
fi
cat <<MSG

  madoguchi デモ区 (Demo Ward, fictional) — http://$LISTEN/

  オープンデータ / open data: http://$LISTEN/opendata (CKAN API: /api/3/action/package_search)

  職員ログイン / staff login: http://$LISTEN/login
    demo-admin   / Hinode-Koban-2026   (管理者 admin: 初回ログイン時に二要素認証を設定 / sets up 2FA at first login)
    demo-staff   / Ajisai-Mado-2026   (職員 staff: 同上 / same)
    demo-viewer  / Momiji-Etsuran-2026  (閲覧 viewer: 個人情報なし / no personal data)
    部署の職員 / department staff (申請の受付 / the inbox; 2FA at first login):
    demo-staff   子育て支援課・保育課 / child-rearing support, childcare
    demo-kumin   / Kusunoki-Kumin-2026    区民課・課税課・広報課・地域活動推進課 / registration, tax, PR, community
    demo-fukushi / Tsutsuji-Fukushi-2026  国保年金・介護保険・高齢者・健康・予防・母子保健・生活衛生 / health and welfare
    demo-machi   / Keyaki-Machi-2026      清掃・みどり・土木・防災・学務・児童青少年 / environment, roads, education
    部署の管理 / departments: http://$LISTEN/staff/departments (demo-admin)

  区民 / residents: http://$LISTEN/resident/register (メールアドレスで登録 / register with an e-mail address)

  停止 / stop: Ctrl+C
MSG
# --- sign (docs/signatures.md) ---
# a fictional test PKI for signed applications (made once, when openssl is
# installed): the server trusts its CA; sign as デモ 太郎 with its keys
if [ ! -d var/demo-pki ] && command -v openssl >/dev/null; then
  tests/sign/make-test-pki.sh var/demo-pki > /dev/null || rm -rf var/demo-pki
fi
if [ -d var/demo-pki/trust ]; then
  export MADOGUCHI_TRUST_DIR=${MADOGUCHI_TRUST_DIR:-var/demo-pki/trust}
  echo "  電子署名 / signatures: var/demo-pki (架空 fictional; docs/signatures.md)"
fi
# --- registry: demo residents linked to the fictional resident registry ---
cat <<MSG
  デモ区民 / demo residents (住民基本台帳と紐付け済み / linked to the resident registry): http://$LISTEN/resident/login
    demo-taro@example.jp    / Hinode-Kumin-2026   (日之出 太郎: 3歳未満の子あり / a child under 3)
    demo-sakura@example.jp  / Minato-Kumin-2026   (港 さくら: ひとり親・乳児 / single parent, a baby)
  手続の編集 / procedure editor: http://$LISTEN/staff/procedures (demo-admin)

MSG
exec ./build/madoguchi serve --db "$DB" --listen "$LISTEN" --key-dir var/keys --default-tenant 139998
