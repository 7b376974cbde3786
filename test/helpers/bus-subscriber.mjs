// An independent subscriber, in a process of its own: it receives the messages a bus scenario publishes
// and times each from the send time written in its payload (`seq:sentAtMs:`), with this process's clock.
// Named validate-probe, so a redis-client-kill fault spares it (as it spares the tool's own probes): it
// sees every message that reached Redis, which is what the scenario's "lost" is checked against.
// Usage: node bus-subscriber.mjs REDIS_OR_NATS_URL CHANNEL; prints "ready", then on stdin "end" a JSON summary.
const [url, channel] = process.argv.slice(2);
const seqs = new Set();
const latencies = [];
const received = (m) => {
  const now = performance.timeOrigin + performance.now();
  const [seq, sentAt] = m.toString('latin1', 0, 40).split(':');
  // -1 is the scenario's end-of-run marker (a fence the tool waits for), not one of its messages.
  if (Number(seq) === -1) return;
  seqs.add(Number(seq));
  latencies.push(now - Number(sentAt));
};
let close;
if (url.startsWith('nats://')) {
  const { connect } = await import('nats');
  const u = new URL(url);
  const nc = await connect({ servers: `${u.hostname}:${u.port || 4222}`, name: 'independent-subscriber' });
  nc.subscribe(channel, { callback: (_e, m) => received(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength)) });
  await nc.flush();
  close = () => nc.close();
} else {
  const { Redis } = await import('ioredis');
  const sub = new Redis(url, { connectionName: 'validate-probe' });
  sub.on('messageBuffer', (_c, m) => received(m));
  await sub.subscribe(channel);
  close = () => sub.disconnect();
}
process.stdout.write('ready\n');
process.stdin.on('data', (d) => {
  if (!String(d).includes('end')) return;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? null;
  process.stdout.write(`${JSON.stringify({ received: latencies.length, distinct: seqs.size, p50: at(50), p99: at(99) })}\n`);
  close();
  process.exit(0);
});
