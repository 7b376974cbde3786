import { open } from 'node:fs/promises';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Redactor } from '../util/redact.js';
import type { Config } from './config.js';
import { substituteEnv } from './env.js';
import { locate } from './locate.js';
import { validateConfig } from './validate.js';

/** A config is text a person writes: past this size it is a mistake (or an attack), refused before it is read. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML aliases expanded at most: reuse is fine, a billion laughs is not. */
const MAX_ALIAS_EXPANSIONS = 1000;

export async function loadConfigFile(file: string, redactor: Redactor, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return parseConfigText(await readConfigText(file), file === '-' ? 'stdin' : file, redactor, env);
}

/** Reads at most MAX_CONFIG_BYTES (+1, to tell that there is more) from a file, or `-` for stdin. */
export async function readConfigText(file: string): Promise<string> {
  const fail = (message: string) => new ConfigError([{ file: file === '-' ? 'stdin' : file, path: '', message }]);
  let handle;
  try {
    handle = file === '-' ? undefined : await open(file, 'r');
    const stat = await handle?.stat();
    if (stat?.isDirectory()) throw fail('is a folder, not a file');
    if (stat?.isFile() && stat.size > MAX_CONFIG_BYTES) throw fail(tooBig(stat.size));
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = handle ? handle.createReadStream({ highWaterMark: 64 * 1024, autoClose: false }) : process.stdin;
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size > MAX_CONFIG_BYTES) throw fail(tooBig(size, true));
    }
    const bytes = Buffer.concat(chunks);
    if (bytes.includes(0)) throw fail('is not a text file (it holds NUL bytes); a config is YAML text');
    return bytes.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(
      code === 'ENOENT'
        ? 'file not found (create one with `validate init`)'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message,
    );
  } finally {
    await handle?.close();
  }
}

function tooBig(size: number, atLeast = false): string {
  return `is ${atLeast ? 'more than ' : ''}${Math.round(size / 1024)} KiB; a config is at most ${MAX_CONFIG_BYTES / 1024} KiB (is this the right file?)`;
}

/** YAML text -> validated config; every problem located at file:line:column. */
export function parseConfigText(text: string, file: string, redactor: Redactor, env: NodeJS.ProcessEnv = process.env): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e): ConfigIssue => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${syntaxMessage(e.message)}` };
      }),
    );
  }
  if (doc.contents === null)
    throw new ConfigError([
      { file, path: '', message: 'the file is empty; expected a mapping with at least "targets:" (see `validate init`)' },
    ]);
  const envIssues = substituteEnv(doc, lines, file, env, redactor);
  if (envIssues.length > 0) throw new ConfigError(envIssues);
  const data = toData(doc, lines, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `expected a mapping with at least "targets:", found ${Array.isArray(data) ? 'a list' : typeof data}`,
      },
    ]);
  }
  return validateConfig(data, file, (path, key) => locate(doc, lines, path, key), redactor);
}

/** The document as plain data, with aliases expanded only so far. */
function toData(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (err) {
    if (!/alias/i.test((err as Error).message)) throw err;
    let at: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        if (isAlias(node) && node.range) {
          at = node.range[0];
          return visit.BREAK;
        }
      },
    });
    const pos = at !== undefined ? lines.linePos(at) : undefined;
    throw new ConfigError([
      {
        file,
        line: pos?.line,
        column: pos?.col,
        path: '',
        message: `YAML aliases expand to too much (more than ${MAX_ALIAS_EXPANSIONS} copies: an alias bomb?); use fewer nested aliases`,
      },
    ]);
  }
}

function syntaxMessage(message: string): string {
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return /Maximum call stack/i.test(first) ? 'nested too deeply to read (thousands of levels of lists or mappings)' : first;
}
