#!/usr/bin/env node
// Run by `npm test` before the tests: every program the tests start or compare against is found; or,
// with consent (CI=true, --yes, or a yes at the prompt) and as root on a Debian-like machine, installed
// from Debian's packages; or named with the exact command to install it. Then the PostgreSQL the tests
// use must answer. Nothing is skipped later.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline/promises';

/** A yes from a person at a terminal; never from a pipe or a CI log. */
async function ask(question) {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const pgServer = () => existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/postgres`));

/** What the tests need: a check, the Debian package that provides it, and why. */
const NEEDS = [
  { ok: () => has('redis-server') && has('redis-cli'), pkg: 'redis-server', why: 'private Redis instances (a replica, a password, maxclients) and redis-cli as the independent view' },
  { ok: () => has('prometheus') && has('promtool'), pkg: 'prometheus', why: 'a real Prometheus with alert rules; promtool checks the textfile format' },
  { ok: () => has('nats-server'), pkg: 'nats-server', why: 'private NATS servers (JetStream, a password) for the nats probe and bus' },
  { ok: () => has('psql'), pkg: 'postgresql-client', why: 'psql, the independent count of connections' },
  { ok: pgServer, pkg: 'postgresql', why: 'a private cluster and a streaming replica (pg_basebackup)' },
  { ok: () => has('chromium'), pkg: 'chromium', why: 'the HTML report is checked in a real browser' },
  { ok: () => has('nginx'), pkg: 'nginx-light', why: 'probe latency is compared with curl on a real nginx' },
  { ok: () => has('curl'), pkg: 'curl', why: 'the independent timing of a request' },
  { ok: () => has('openssl'), pkg: 'openssl', why: 'a TLS server for "it speaks TLS" cases' },
  { ok: () => has('python3'), pkg: 'python3', why: "Python's http.server, an HTTP/1.0 server" },
  { ok: () => has('prometheus-pushgateway'), pkg: 'prometheus-pushgateway', why: 'a real Pushgateway that --push sends to and Prometheus scrapes' },
  { ok: () => has('sqlite3'), pkg: 'sqlite3', why: "sqlite3, the independent count of the embedded history's runs" },
  // better-sqlite3 builds from source when no prebuilt binary fits (node-gyp): a compiler and make.
  { ok: () => has('g++') && has('make'), pkg: 'build-essential', why: 'better-sqlite3 (the embedded history) compiles its SQLite when no prebuilt binary fits' },
];

const missing = NEEDS.filter((n) => !n.ok());
if (missing.length > 0) {
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const command = `apt-get install -y ${pkgs.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && has('apt-get');
  const list = missing.map((n) => `  ${n.pkg}: ${n.why}`).join('\n');
  // System packages are installed only with consent: in CI (CI=true, as .ci/run runs), with --yes, or a yes at the prompt.
  const consent = process.argv.includes('--yes') || /^(1|true)$/i.test(process.env.CI ?? '') || (canInstall && (await ask(`npm test needs programs this machine does not have:\n${list}\nInstall them now with \`${command}\`? [y/N] `)));
  if (!canInstall || !consent) {
    process.stderr.write(`npm test needs programs this machine does not have:\n${list}\ninstall them (as root): ${command}\n(or run npm test with CI=true, or node scripts/test-deps.mjs --yes, to have them installed)\n`);
    process.exit(1);
  }
  process.stderr.write(`npm test: installing ${pkgs.join(' ')} (${missing.map((n) => n.why).join('; ')})\n`);
  // policy-rc.d keeps the packages from starting system-wide daemons (a Prometheus on :9090, a PostgreSQL
  // cluster) that the tests neither need nor may reconfigure.
  writeFileSync('/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } finally {
    rmSync('/usr/sbin/policy-rc.d', { force: true });
  }
  const still = NEEDS.filter((n) => !n.ok());
  if (still.length) {
    process.stderr.write(`npm test: still missing after installing: ${still.map((n) => n.pkg).join(', ')}\n`);
    process.exit(1);
  }
}

// The tests use a running PostgreSQL (read-only, but for a rolled-back transaction); they never start or stop it.
const url = new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const port = Number(url.port) || 5432;
const up = await new Promise((resolve) => {
  const s = connect({ host: url.hostname, port });
  const done = (v) => { s.destroy(); resolve(v); };
  s.setTimeout(2000, () => done(false));
  s.once('connect', () => done(true));
  s.once('error', () => done(false));
});
if (!up) {
  process.stderr.write(`npm test: PostgreSQL is not answering on ${url.hostname}:${port}; the tests need a running one (set TEST_POSTGRES_URL to use another)\n`);
  process.exit(1);
}
