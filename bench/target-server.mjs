// A minimal HTTP target for benchmarks, run in its own process so it never shares a core's event loop
// with the generator. Usage: node bench/target-server.mjs [delayMs] [stallEveryMs stallForMs]
import { createServer } from 'node:http';
const delay = Number(process.argv[2] ?? 0);
const stallEvery = Number(process.argv[3] ?? 0);
const stallFor = Number(process.argv[4] ?? 0);
const started = Date.now();
const body = JSON.stringify({ status: 'healthy' });
const server = createServer((req, res) => {
  const reply = () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body);
  if (stallEvery) {
    // Hold every request that arrives during a stall window until the window ends.
    const t = (Date.now() - started) % stallEvery;
    const stallStart = stallEvery - stallFor;
    if (t >= stallStart) return setTimeout(reply, stallEvery - t);
  }
  if (delay) setTimeout(reply, delay);
  else reply();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
