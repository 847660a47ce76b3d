// opendata_latency.mjs -- helper of bench/opendata.sh: send each query of
// a file (one "a=b&c=d" string a line) to package_search, a few at a time,
// and print {n, p50, p95, p99, qps} in milliseconds as JSON.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [base, file, conc = '4'] = process.argv.slice(2);
const qs = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conc) });
const times = [];
let i = 0, errors = 0;
function one(q) {
  const p = new URLSearchParams(q).toString();
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    http.get(`${base}/api/3/action/package_search?${p}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode !== 200) errors++; times.push(Number(process.hrtime.bigint() - t0) / 1e6); resolve(); });
    }).on('error', () => { errors++; resolve(); });
  });
}
async function worker() { while (i < qs.length) await one(qs[i++]); }
// warm up
for (const q of qs.slice(0, 50)) await one(q);
times.length = 0; i = 0;
const t0 = Date.now();
await Promise.all(Array.from({ length: Number(conc) }, worker));
const secs = (Date.now() - t0) / 1000;
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
console.log(JSON.stringify({ n: times.length, errors, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), qps: times.length / secs }));
agent.destroy();
