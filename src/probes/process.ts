import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { duration, targetBase } from '../fields/fields.js';
import { sleep } from '../util/sleep.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';
import { HIGHEST_CPU, HIGHEST_MEMORY } from './shared-evidence.js';

const schema = z.strictObject({
  kind: z.literal('process'),
  ...targetBase(['process', 'pidfile', 'systemd']),
  min: z.number().int().min(1).default(1).meta({ description: 'How many matching processes must be running' }),
  window: duration.default(500).meta({ description: 'CPU % is measured across this long (two readings of /proc)' }),
});
export type ProcessTarget = z.output<typeof schema>;

const metrics: Record<string, MetricSpec> = {
  processes: { unit: 'count', aggregate: 'sum', label: 'processes', headline: true },
  rss_bytes: { unit: 'bytes', aggregate: 'sum', label: 'memory', headline: true, column: 'memory', sustained: true },
  // Of one core, as top shows it: 150% is one and a half cores busy.
  cpu_pct: {
    unit: 'percent',
    aggregate: 'max',
    label: 'CPU',
    headline: true,
    column: 'cpu',
    sustained: true,
    evidence: HIGHEST_CPU,
  },
  // RSS of the machine's memory (MemTotal), as the reference alert "memory usage > 90%" reads it.
  memory_used_pct: {
    unit: 'percent',
    aggregate: 'max',
    label: 'memory used',
    sustained: true,
    evidence: HIGHEST_MEMORY,
  },
  process_uptime_s: { unit: 'seconds', aggregate: 'min', label: 'running for', headline: true },
  systemd_restarts: { unit: 'count', aggregate: 'sum', label: 'systemd restarts' },
};

interface Proc {
  pid: number;
  startedAt: number;
  rssBytes: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * Local processes, for a platform run on this machine: `process://NAME` (by process name),
 * `pidfile:///run/x.pid`, or `systemd://unit`. Reports how many run, their memory and age, and an
 * identity (pid and start time) from which repeated checks detect a restart.
 */
async function run(t: ProcessTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const u = new URL(t.url);
  const what = decodeURIComponent(u.protocol === 'pidfile:' ? u.pathname : u.hostname + u.pathname.replace(/^\/$/, ''));
  ctx.stage('looking for the process');
  const found = await findPids(u, what);
  if ('error' in found) return { status: 'fail', latencyMs: null, error: found.error, details: {}, measurements: [] };
  const { pids, systemd } = found;
  const procs = (await Promise.all(pids.map(inspect))).filter((p): p is Proc => p !== undefined);
  const m: Measurement[] = [{ metric: 'processes', value: procs.length, unit: 'count' }];
  if (procs.length) {
    const used = ctx.liveness ? undefined : await usage(procs, Math.min(t.window, Math.max(50, ctx.timeoutMs - 200)), ctx);
    m.push(...(used?.measurements ?? []));
    m.push({ metric: 'rss_bytes', value: used?.rssBytes ?? procs.reduce((a, p) => a + p.rssBytes, 0), unit: 'bytes' });
    m.push({ metric: 'process_uptime_s', value: Math.min(...procs.map((p) => Date.now() / 1000 - p.startedAt)), unit: 'seconds' });
  }
  if (systemd?.NRestarts !== undefined) m.push({ metric: 'systemd_restarts', value: Number(systemd.NRestarts), unit: 'count' });
  const details = {
    pids:
      procs
        .slice(0, 5)
        .map((p) => p.pid)
        .join(',') || null,
    // Same processes, same identity: a change between checks of one run is a restart.
    identity:
      procs
        .map((p) => `${p.pid}@${Math.round(p.startedAt)}`)
        .sort()
        .join(' ') || null,
    state: systemd?.ActiveState ?? null,
  };
  if (procs.length < t.min)
    return { status: 'fail', latencyMs: null, error: tooFew(u, what, pids, procs.length, t.min, systemd), details, measurements: m };
  return { status: 'pass', latencyMs: null, details, measurements: m };
}

/** The pids the URL names: a pidfile's, a systemd unit's main process, or every process of that name. */
async function findPids(u: URL, what: string): Promise<{ pids: number[]; systemd?: Record<string, string> } | { error: string }> {
  try {
    if (u.protocol === 'pidfile:')
      return { pids: [Number((await readFile(what, 'utf8')).trim())].filter((p) => Number.isInteger(p) && p > 0) };
    if (u.protocol === 'systemd:') {
      const systemd = await systemctlShow(what);
      return { pids: [Number(systemd.MainPID)].filter((p) => p > 0), systemd };
    }
    return { pids: await pidsByName(what) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT')
      return { error: u.protocol === 'pidfile:' ? `pidfile ${what} does not exist` : 'systemctl is not available on this machine' };
    return { error: e.message };
  }
}

/** Why fewer processes run than the target needs, in the words of how it names them. */
function tooFew(u: URL, what: string, pids: number[], running: number, min: number, systemd?: Record<string, string>): string {
  if (u.protocol === 'pidfile:')
    return pids.length ? `pidfile ${what} names pid ${pids[0]}, which is not running` : `pidfile ${what} holds no pid`;
  if (u.protocol === 'systemd:') return `systemd unit ${what} is ${systemd?.ActiveState ?? 'unknown'} with no main process`;
  return running === 0
    ? `no process named "${what}" is running`
    : `${running} process(es) named "${what}" running, expected at least ${min}`;
}

/**
 * CPU across `windowMs` (the ticks the same processes used between two readings, as top computes it)
 * and memory as a share of the machine's. A process that ended in between counts what it used until then.
 */
async function usage(procs: Proc[], windowMs: number, ctx: ProbeContext): Promise<{ measurements: Measurement[]; rssBytes: number }> {
  ctx.stage(`measuring CPU over ${windowMs} ms`);
  const t0 = performance.now();
  await sleep(windowMs, ctx.signal);
  const later = await Promise.all(procs.map((p) => inspect(p.pid)));
  const elapsedS = (performance.now() - t0) / 1000;
  const ticks = procs.reduce(
    (a, p, i) => a + Math.max(0, (later[i]?.startedAt === p.startedAt ? later[i]!.cpuTicks : p.cpuTicks) - p.cpuTicks),
    0,
  );
  const m: Measurement[] = [{ metric: 'cpu_pct', value: (ticks / CLOCK_TICKS / elapsedS) * 100, unit: 'percent' }];
  const total = Number(/^MemTotal:\s+(\d+)/m.exec(await readFile('/proc/meminfo', 'utf8'))?.[1]) * 1024;
  const rss = procs.reduce((a, p, i) => a + (later[i] ?? p).rssBytes, 0);
  if (total > 0) m.push({ metric: 'memory_used_pct', value: (rss / total) * 100, unit: 'percent' });
  return { measurements: m, rssBytes: rss };
}

async function pidsByName(name: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = (await readFile(`/proc/${entry}/comm`, 'utf8')).trim();
      // comm is cut at 15 characters; compare the command line's program name too.
      const argv0 = comm === name || name.startsWith(comm) ? (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0')[0] : '';
      if (comm === name || argv0.split('/').pop() === name) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

async function inspect(pid: number): Promise<Proc | undefined> {
  try {
    const [stat, status, procStat] = await Promise.all([
      readFile(`/proc/${pid}/stat`, 'utf8'),
      readFile(`/proc/${pid}/status`, 'utf8'),
      readFile('/proc/stat', 'utf8'),
    ]);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined; // a zombie is not running
    const bootTime = Number(/^btime (\d+)/m.exec(procStat)![1]);
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { pid, startedAt: bootTime + Number(fields[19]) / CLOCK_TICKS, rssBytes: rssKb * 1024, cpuTicks };
  } catch {
    return undefined;
  }
}

function systemctlShow(unit: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) =>
    execFile('systemctl', ['show', unit, '--property=MainPID,ActiveState,NRestarts'], { timeout: 2000 }, (err, stdout) => {
      if (err) return reject(err);
      resolve(
        Object.fromEntries(
          stdout
            .trim()
            .split('\n')
            .map((l) => l.split('=') as [string, string]),
        ),
      );
    }),
  );
}

export const processProbe = defineProbe<ProcessTarget>({
  kind: 'process',
  aliases: ['processes'],
  schemes: ['process', 'pidfile', 'systemd'],
  summary: 'Local processes by name, pidfile or systemd unit: running, how many, CPU and memory (held over the run), age, restarts',
  schema,
  metrics,
  // As a process's own Prometheus client exports it (process_* metrics), scraped under a job named like the target.
  promql: (_t, metric) =>
    ({
      cpu_pct: '100 * rate(process_cpu_seconds_total{job="$target"}[1m])',
      memory_used_pct: '100 * process_resident_memory_bytes{job="$target"} / on() group_left() max(node_memory_MemTotal_bytes)',
      rss_bytes: 'process_resident_memory_bytes{job="$target"}',
    })[metric],
  run,
});
