import { it } from 'vitest';
import { Client } from 'undici';
import { CORPUS, corpusServer } from '../helpers/http-corpus.js';
it('explore', async () => {
  for (const b of CORPUS) {
    const s = await corpusServer(b);
    const u = new URL(s.url);
    const client = new Client(u.origin, { headersTimeout: 2000, bodyTimeout: 2000 });
    const tally: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      try {
        const r = await client.request({ path: '/', method: (b.method ?? 'GET') as 'GET' });
        await r.body.text();
        tally[r.statusCode] = (tally[r.statusCode] ?? 0) + 1;
      } catch (e) {
        const k = (e as Error).message.slice(0, 50);
        tally[k] = (tally[k] ?? 0) + 1;
      }
    }
    await client.destroy();
    process.stdout.write(`${b.name.padEnd(58)} ${JSON.stringify(tally)} server ${s.received()}\n`);
    await s.close();
  }
}, 60000);
