// idle_conns.mjs -- open N keep-alive connections to a server, make one
// request on each (so each is a real, used HTTP/1.1 connection), then hold
// them idle and print the server's resident memory.  Usage:
//   node bench/idle_conns.mjs PORT PID N
import net from 'node:net';
import { readFileSync } from 'node:fs';
const [port, pid, n] = process.argv.slice(2).map(Number);
const rss = () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const before = rss();
const socks = [];
let answered = 0;
await new Promise((resolve, reject) => {
  let opened = 0;
  const next = () => {
    if (opened >= n) return;
    opened++;
    const s = net.connect(port, '127.0.0.1', () => s.write('GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n'));
    s.once('data', () => { answered++; if (answered === n) resolve(); else next(); });
    s.on('error', reject);
    socks.push(s);
  };
  for (let i = 0; i < 200; i++) next();
});
await new Promise((r) => setTimeout(r, 1000));
const after = rss();
console.log(JSON.stringify({ connections: answered, rss_before_mb: before, rss_after_mb: after }));
for (const s of socks) s.destroy();
