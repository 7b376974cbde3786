import { fileURLToPath } from 'node:url';
import type { ExitCodeValue } from '../exit-codes.js';
import { packageFile } from '../paths.js';
import { note } from '../util/say.js';
import { demoServices } from '../session/demo-services.js';
import { startDemoSession } from '../session/demo-platform.js';
import { checkOutputs } from '../session/output.js';
import { openGate, type GateFlags } from '../session/gate.js';

export const DEMO_CONFIG = fileURLToPath(packageFile('fixtures/demo.yaml'));

export interface DemoFlags extends GateFlags {
  retries?: number;
  /** A Redis or PostgreSQL of the user's to use instead of the demo's own (also DEMO_REDIS_URL, DEMO_POSTGRES_URL). */
  redis?: string;
  postgres?: string;
}

/**
 * `validate demo`: a simulated trading platform in a process of its own, validated with fixtures/demo.yaml.
 * Its Redis and PostgreSQL are its own, started from the installed binaries on free ports and removed
 * after (a user's are used only when named: --redis, --postgres); without the binaries their checks are
 * left out and the report says which. With --chaos, the fault experiments run against the simulated
 * engines and those servers, and the soak lasts a minute.
 */
export async function demo(flags: DemoFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  checkOutputs(flags);
  const services = await demoServices(flags);
  try {
    const session = await startDemoSession(DEMO_CONFIG, services.urls, flags.chaos ?? false);
    try {
      if (flags.retries !== undefined) session.config.retries = flags.retries;
      const notes = [...services.notes, ...session.notes];
      for (const n of notes) note(`demo: ${n}`);
      return await openGate(session.config, flags, { history: false }).run(signal, { notes });
    } finally {
      await session.close();
    }
  } finally {
    await services.stop();
  }
}
