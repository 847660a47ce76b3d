#!/usr/bin/env bash
# make-test-pki.sh OUTDIR -- a fictional test PKI for the signature tests
# (unit, HTTP and browser), made with the openssl command line only.
#
# Every date is fixed, so a test that passes `now` gets the same answer in
# any year; the "good" certificates stay valid on the real clock until 2045
# (HTTP and browser tests use the server's clock).  RSA 2048 with SHA-256,
# as the JPKI signing certificates.  Nothing here is a real person.
#
# OUTDIR afterwards holds (PEM unless said otherwise):
#   ca.pem ca.key                 test root CA  2020-01-01 .. 2049-12-31
#   resident.pem resident.key     デモ 太郎      2025-01-01 .. 2044-12-31
#   expired.pem expired.key       デモ 期限切れ  2020-01-02 .. 2021-01-01
#   notyet.pem notyet.key         デモ 未来      2045-01-01 .. 2049-01-01
#   revoked.pem revoked.key       デモ 失効      2025-01-01 .. 2044-12-31, on ca.crl
#   badusage.pem badusage.key     デモ 暗号用    keyUsage keyEncipherment only
#   sub-ca.pem sub-ca.key         an intermediate CA under ca.pem
#   sub-resident.pem .key         デモ 花子, issued by sub-ca.pem
#   sub-revoked.pem .key          issued by sub-ca.pem, on sub-ca.crl
#   ca.crl sub-ca.crl             CRLs: lastUpdate 2025-01-01, nextUpdate 2044-12-31
#   stale.crl                     the root's CRL with nextUpdate 2025-06-01
#   other-ca.pem other-ca.key     an unrelated CA (the wrong trust anchor)
#   other-resident.pem .key       デモ 次郎, issued by other-ca.pem
#   trust/                        ca.pem ca.crl: the trust directory
#   trust-sub/                    ca.pem ca.crl sub-ca.pem sub-ca.crl (the
#                                 intermediate and its CRL configured too)
#   trust-nocrl/                  ca.pem only (no CRL: every check says so)
#   trust-stale/                  ca.pem stale.crl (CRL past its nextUpdate)
#   trust-other/                  other-ca.pem other-ca.crl
#   serials.txt                   "name serial-hex" per certificate
#
# Runs in a second or two; refuses an OUTDIR that is not empty.
set -euo pipefail
out=${1:?usage: make-test-pki.sh OUTDIR}
mkdir -p "$out"
if [ -n "$(ls -A "$out")" ]; then
  echo "make-test-pki.sh: $out is not empty" >&2; exit 2
fi
cd "$out"
export OPENSSL_CONF=/dev/null   # no system defaults leak into the certificates

cat > ext.cnf <<'CNF'
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[sub_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[sign_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[enc_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyEncipherment
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[crl_ext]
authorityKeyIdentifier = keyid:always
CNF

# one `openssl ca` database per issuing CA
ca_conf() { # name
  mkdir -p "db-$1/new"
  : > "db-$1/index.txt"
  printf '%s\n' "$2" > "db-$1/serial"
  echo 01 > "db-$1/crlnumber"
  cat > "db-$1/ca.cnf" <<CNF
[ca]
default_ca = this
[this]
dir = db-$1
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $1.pem
private_key = $1.key
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[any]
countryName = optional
localityName = optional
organizationName = optional
commonName = supplied
CNF
  cat ext.cnf >> "db-$1/ca.cnf"
}

key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null; chmod 600 "$1.key"; }
csr() { openssl req -new -utf8 -key "$1.key" -subj "$2" -out "$1.csr"; }
# issue NAME by CA with extension section, start and end (YYYYMMDDHHMMSSZ)
issue() { # name ca ext start end
  openssl ca -batch -utf8 -notext -config "db-$2/ca.cnf" \
    -extensions "$3" -startdate "$4" -enddate "$5" -in "$1.csr" -out "$1.pem" 2>/dev/null
}
selfsign() { # name subject serial
  key "$1"; csr "$1" "$2"; ca_conf "$1" "$3"
  openssl ca -batch -utf8 -notext -selfsign -config "db-$1/ca.cnf" \
    -extensions ca_ext -startdate 20200101000000Z -enddate 20491231235959Z \
    -in "$1.csr" -out "$1.pem" 2>/dev/null
}
crl() { # ca out lastupdate nextupdate
  openssl ca -batch -gencrl -config "db-$1/ca.cnf" -crlexts crl_ext \
    -crl_lastupdate "$3" -crl_nextupdate "$4" -out "$2" 2>/dev/null
}

selfsign ca "/C=JP/O=madoguchi test/CN=Madoguchi Test Signing CA" 1000
key resident;  csr resident "/C=JP/L=デモ区/CN=デモ 太郎"
issue resident ca sign_ext 20250101000000Z 20441231235959Z
key expired;   csr expired "/C=JP/L=デモ区/CN=デモ 期限切れ"
issue expired ca sign_ext 20200102000000Z 20210101000000Z
key notyet;    csr notyet "/C=JP/L=デモ区/CN=デモ 未来"
issue notyet ca sign_ext 20450101000000Z 20490101000000Z
key revoked;   csr revoked "/C=JP/L=デモ区/CN=デモ 失効"
issue revoked ca sign_ext 20250101000000Z 20441231235959Z
key badusage;  csr badusage "/C=JP/L=デモ区/CN=デモ 暗号用"
issue badusage ca enc_ext 20250101000000Z 20441231235959Z
key sub-ca;    csr sub-ca "/C=JP/O=madoguchi test/CN=Madoguchi Test Sub CA"
issue sub-ca ca sub_ext 20200101000000Z 20491231235959Z
ca_conf sub-ca 2000
key sub-resident; csr sub-resident "/C=JP/L=デモ区/CN=デモ 花子"
issue sub-resident sub-ca sign_ext 20250101000000Z 20441231235959Z
key sub-revoked;  csr sub-revoked "/C=JP/L=デモ区/CN=デモ 失効二"
issue sub-revoked sub-ca sign_ext 20250101000000Z 20441231235959Z

openssl ca -batch -config db-ca/ca.cnf -revoke revoked.pem -crl_reason keyCompromise 2>/dev/null
openssl ca -batch -config db-sub-ca/ca.cnf -revoke sub-revoked.pem -crl_reason keyCompromise 2>/dev/null
crl ca stale.crl 20250101000000Z 20250601000000Z
crl ca ca.crl 20250101000000Z 20441231235959Z
crl sub-ca sub-ca.crl 20250101000000Z 20441231235959Z

selfsign other-ca "/C=JP/O=unrelated test/CN=Unrelated Test CA" 3000
key other-resident; csr other-resident "/C=JP/L=デモ区/CN=デモ 次郎"
issue other-resident other-ca sign_ext 20250101000000Z 20441231235959Z
crl other-ca other-ca.crl 20250101000000Z 20441231235959Z

mkdir trust trust-sub trust-nocrl trust-stale trust-other
cp ca.pem ca.crl trust/
cp ca.pem ca.crl sub-ca.pem sub-ca.crl trust-sub/
cp ca.pem trust-nocrl/
cp ca.pem trust-stale/; cp stale.crl trust-stale/
cp other-ca.pem other-ca.crl trust-other/
for c in ca resident expired notyet revoked badusage sub-ca sub-resident sub-revoked other-ca other-resident; do
  echo "$c $(openssl x509 -in "$c.pem" -noout -serial | cut -d= -f2)"
done > serials.txt
rm -rf ./*.csr db-* ext.cnf
