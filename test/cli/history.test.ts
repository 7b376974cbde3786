import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/**
 * `validate run --history` as a nightly job uses it, and `validate history` reading it back, through the
 * real command. The hostile stores are real too: a read-only and a full filesystem are tmpfs mounts of the
 * test's own (it runs as root, as CI does), a corrupted file is a file of garbage.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-history-cli-'));
const mounts: string[] = [];
let server: Server;
let config = '';

beforeAll(async () => {
  server = createServer((_q, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  config = join(dir, 'v.yaml');
  writeFileSync(
    config,
    `platform: nightly\ntargets:\n  - { name: web, kind: http, url: "http://127.0.0.1:${(server.address() as { port: number }).port}/" }\n`,
  );
});
afterAll(() => {
  server?.close();
  for (const m of mounts) execFileSync('umount', [m]);
});

function mounted(options: string): string {
  const m = mkdtempSync(join(tmpdir(), 'validate-mnt-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', m]);
  mounts.push(m);
  return m;
}

describe('validate run --history, and validate history', () => {
  it('three nightly runs are kept with their labels; history lists them at 80 columns, filtered, and as JSON', async () => {
    const place = join(dir, 'h');
    for (const [i, git] of ['a1', 'b2', 'c3'].entries()) {
      const out = join(dir, `night-${git}.json`);
      const r = await runCli(['run', config, '--history', place, '--label', 'env=staging', '--label', `git=${git}`, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/kept run \d{14}-\w+ in the history .*history\.db/);
      // Each report says how many earlier runs it was compared with, and the verdict of the one before.
      const since = JSON.parse(readFileSync(out, 'utf8')).sinceLastRuns;
      expect(since.runs).toBe(i);
      if (i) expect(since.previous.verdict).toBe('GO');
    }
    const table = await runCli(['history', place], { env: { COLUMNS: '80' } });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
    expect(lines.at(-1)).toBe('3 run(s), 3 GO');
    expect(table.stdout).toContain('env=staging git=c3');
    const json = JSON.parse((await runCli(['history', place, '--format', 'json', '--label', 'git=b2'])).stdout);
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ verdict: 'GO', labels: { env: 'staging', git: 'b2' } });
    // VALIDATE_HISTORY names it too; --keep prunes as the run is kept.
    const kept = await runCli(['run', config, '--keep', '2'], { env: { VALIDATE_HISTORY: place } });
    expect(kept.stderr).toContain('(2 older run(s) pruned)');
    expect(JSON.parse((await runCli(['history', place, '--format', 'json'])).stdout)).toHaveLength(2);
  });

  it('history and trend read a read-only copy of a history (a CI artifact, a read-only mount): every run sqlite3 counts there', async () => {
    const ro = mounted('size=8m');
    execFileSync('cp', ['-r', join(dir, 'h'), join(ro, 'h')]);
    execFileSync('mount', ['-o', 'remount,ro', ro]);
    const counted = Number(
      execFileSync('sqlite3', [`file:${join(ro, 'h', 'history.db')}?immutable=1`, 'SELECT count(*) FROM runs'], { encoding: 'utf8' }),
    );
    expect(counted).toBeGreaterThan(0);
    const listed = await runCli(['history', join(ro, 'h'), '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(counted);
    const trend = await runCli(['trend', join(ro, 'h'), '--all']);
    expect(trend.code, trend.stderr).toBe(0);
    expect(trend.stdout).toMatch(new RegExp(`│ ${counted} +│`));
  });

  it('a history that is not there (a typo) is an error for the commands that read it, with the likely name; nothing is made', async () => {
    const typo = join(dir, 'hh');
    for (const command of ['history', 'trend']) {
      const r = await runCli([command, typo]);
      expect(r.code).toBe(4);
      expect(r.stderr).toBe(
        `validate: history ${typo} does not exist: did you mean ${join(dir, 'h')}? (validate run --history ${typo} keeps runs there)\n`,
      );
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('a bad --label or --keep is refused before anything runs', async () => {
    const r = await runCli(['run', config, '--history', join(dir, 'x'), '--label', 'env']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('validate: --label env: expected NAME=VALUE, e.g. --label env=staging\n');
    expect(existsSync(join(dir, 'x'))).toBe(false);
    const k = await runCli(['run', config, '--history', join(dir, 'x'), '--keep', 'forever']);
    expect(k.stderr).toBe('validate: --keep forever: expected a number of runs (400) or an age (90d, 12w, 1y)\n');
  });

  it('a read-only, a full or a corrupted history: reports still written, exit code still the verdict, one line; 4 with --history-required', async () => {
    const readOnly = mounted('ro,size=1m');
    const full = mounted('size=64k');
    writeFileSync(join(full, 'filler'), Buffer.alloc(60 * 1024));
    const corrupted = join(dir, 'corrupted');
    mkdirSync(corrupted);
    writeFileSync(join(corrupted, 'history.db'), 'garbage '.repeat(1000));
    for (const [place, why] of [
      [join(readOnly, 'h'), /history folder .* cannot be made: its filesystem is read-only/],
      [full, /full disk|disk is full|I\/O error/i],
      [corrupted, /is not a SQLite database/],
    ] as const) {
      const out = join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
      const r = await runCli(['run', config, '--history', place, '--out', out, '-q']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(out, 'utf8')).verdict).toBe('GO');
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.includes('history'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^validate: the run was not kept in its history: /);
      expect(lines[0]).toMatch(why);
      const strict = await runCli(['run', config, '--history', place, '--history-required', '-q']);
      expect(strict.code).toBe(4);
      expect(strict.stderr).toMatch(/^validate: the run finished \(GO\) and its reports were written, but history /m);
    }
  });

  it('a PostgreSQL history that is down: one line naming it, the password never shown', async () => {
    const r = await runCli(['run', config, '--history', 'postgres://nightly:s3cret-pw@127.0.0.1:1/history', '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'the run was not kept in its history: history postgres://nightly:***@127.0.0.1:1/history (--history): connection refused',
    );
    expect(r.stderr + r.stdout).not.toContain('s3cret-pw');
  });
});
