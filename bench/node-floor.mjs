// The least Node itself costs for an open-model load: requests at a fixed rate over 10 keep-alive sockets,
// one timer per due time, a read callback per answer and no parsing, timing or bookkeeping at all. What
// `validate load -R` costs above this is the tool's; below it nothing written in Node goes.
// Usage: node bench/node-floor.mjs URL RATE SECONDS   (prints the CPU seconds it used, user + system)
//        node bench/node-floor.mjs URL closed SECONDS (50 connections, each sends again on an answer:
//        prints requests per second and CPU µs per request, as wrk's closed loop would be in Node)
import { connect } from 'node:net';

const [url, rate, secs] = [new URL(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const request = Buffer.from(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
if (process.argv[3] === 'closed') closedLoop();
else openLoop();

function closedLoop() {
  let answered = 0;
  let stopped = false;
  for (let i = 0; i < 50; i++) {
    const socket = connect({
      port: Number(url.port),
      host: url.hostname,
      onread: { buffer: Buffer.alloc(65536), callback: () => void (answered++, stopped || socket.write(request)) },
    });
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(request));
  }
  setTimeout(() => {
    stopped = true;
    const u = process.cpuUsage();
    process.stdout.write(`${answered / secs} ${(u.user + u.system) / answered}\n`);
    process.exit(0);
  }, secs * 1000);
}

function openLoop() {
  const idle = [];
  for (let i = 0; i < 10; i++) {
    const socket = connect({
      port: Number(url.port),
      host: url.hostname,
      onread: { buffer: Buffer.alloc(65536), callback: () => void idle.push(socket) },
    });
    socket.setNoDelay(true);
    socket.on('connect', () => idle.push(socket));
  }
  const total = rate * secs;
  const start = performance.now() + 200;
  let next = 0;
  const tick = () => {
    const now = performance.now();
    for (; next < total && start + (next * 1000) / rate < now + 1; next++) idle.pop()?.write(request);
    if (next < total) return setTimeout(tick, start + (next * 1000) / rate - 1 - performance.now());
    setTimeout(() => {
      const u = process.cpuUsage();
      process.stdout.write(`${(u.user + u.system) / 1e6}\n`);
      process.exit(0);
    }, 100);
  };
  setTimeout(tick, 200);
}
