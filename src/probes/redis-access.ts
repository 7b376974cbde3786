import type { MetricSpec } from '../results/measurement.js';
import { connectRedis } from '../protocols/redis.js';
import { CREDENTIALS_REQUIRED } from './shared-evidence.js';

export const REDIS_ACCESS_METRICS: Record<string, MetricSpec> = {
  // 1 when a client without credentials is refused (NOAUTH), 0 when the server lets anyone in.
  auth_required: {
    unit: 'count',
    aggregate: 'min',
    label: 'password required',
    flag: true,
    evidence: CREDENTIALS_REQUIRED,
  },
};

/**
 * Whether the server refuses a client that brings no credentials: the question an SRE asks before
 * go-live ("does this Redis let anyone in?"). A URL without a password already answered it (the probe got
 * in); with one, a second connection without it is refused (NOAUTH) or not. Undefined when that connection
 * failed for another reason (the server's access is then unknown, never assumed).
 */
export async function requiresPassword(url: string, o: { timeoutMs: number; tlsVerify: boolean }): Promise<number | undefined> {
  const u = new URL(url);
  if (!u.password && !u.username) return 0;
  u.username = '';
  u.password = '';
  let client;
  try {
    client = await connectRedis(u.toString(), { ...o, name: 'validate-probe-access' });
    await client.ping();
    return 0;
  } catch (err) {
    return /NOAUTH|Authentication required/i.test(String((err as Error)?.message)) ? 1 : undefined;
  } finally {
    client?.disconnect();
  }
}
