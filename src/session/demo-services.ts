import { startPrivatePostgres, startPrivateRedis, type PrivateService } from '../demo/private-services.js';

export interface DemoServiceUrls {
  /** Undefined when there is none to use: its checks are left out, and a note says why. */
  redisUrl?: string;
  postgresUrl?: string;
}

/**
 * The Redis and PostgreSQL the demo uses: the user's only when named (--redis, --postgres, or
 * DEMO_REDIS_URL / DEMO_POSTGRES_URL), else its own private ones, started together; the notes say which.
 */
export async function demoServices(flags: { redis?: string; postgres?: string }): Promise<{
  urls: DemoServiceUrls;
  notes: string[];
  stop(): Promise<void>;
}> {
  const named = { redis: flags.redis ?? process.env.DEMO_REDIS_URL, postgres: flags.postgres ?? process.env.DEMO_POSTGRES_URL };
  const [redis, postgres] = await Promise.all([named.redis ?? startPrivateRedis(), named.postgres ?? startPrivatePostgres()]);
  const notes: string[] = [];
  const own: PrivateService[] = [];
  const urlOf = (kind: 'redis' | 'postgres', s: string | PrivateService): string | undefined => {
    if (typeof s === 'string' && s === named[kind]) return s;
    if (typeof s === 'string') {
      notes.push(`no ${kind} of the demo's own (${s}): its ${kind} checks are left out; name one with --${kind} URL to include them`);
      return undefined;
    }
    own.push(s);
    const u = new URL(s.url);
    notes.push(`its ${kind} is its own, on ${u.host}, removed after (--${kind} URL to use yours)`);
    return s.url;
  };
  const urls = { redisUrl: urlOf('redis', redis), postgresUrl: urlOf('postgres', postgres) };
  return { urls, notes, stop: async () => void (await Promise.all(own.map((s) => s.stop()))) };
}
