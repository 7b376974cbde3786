#!/usr/bin/env node
// Bundles tsc's output (dist/) into dist/bundle/, what bin/validate runs: one parse of a few files instead
// of resolving and reading some 450 modules, which halves a command's start-up (issue 27: `validate load`
// from about 0.65 s to under 0.5 s of wall time). Each entry that starts a thread or a process is its own
// entry point; what they share is split into chunks, and what a command loads lazily stays lazy.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRIES = ['main', 'run/load-worker', 'run/shard-worker', 'demo/platform-process'];

/** hdr-histogram-js's WebAssembly build, which validate never uses, replaced by a stand-in (scripts/hdr-no-wasm.mjs). */
const noHdrWasm = {
  name: 'hdr-histogram-js without WebAssembly',
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm$/ }, (args) =>
      args.importer.includes('/hdr-histogram-js/') ? { path: fileURLToPath(new URL('./hdr-no-wasm.mjs', import.meta.url)) } : undefined,
    );
  },
};

/** zod's locales index, which pulls in every language, replaced by English alone (scripts/zod-locales-en.mjs). */
const zodEnglishOnly = {
  name: 'zod with English messages only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/zod/') ? { path: fileURLToPath(new URL('./zod-locales-en.mjs', import.meta.url)) } : undefined,
    );
  },
};

// Chunks are named by their content's hash: last build's would pile up.
rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ENTRIES.map((e) => `dist/${e}.js`),
  outdir: 'dist/bundle',
  outbase: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons load from node_modules as they are; pg-native is pg's optional driver, never installed.
  // (A CommonJS package imported lazily is read through util/common-js.ts: its chunk exports only default.)
  external: ['better-sqlite3', 'pg-native'],
  // The CommonJS dependencies (pg, ioredis, commander) call require(), which an ES module lacks.
  banner: { js: "import { createRequire as __validateRequire } from 'node:module'; const require = __validateRequire(import.meta.url);" },
  plugins: [noHdrWasm, zodEnglishOnly],
  logLevel: 'warning',
});
