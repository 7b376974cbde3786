import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Redactor } from '../util/redact.js';
import type { Config } from './config.js';
import { substituteEnv } from './env.js';
import { locate } from './locate.js';
import { validateConfig } from './validate.js';

export async function loadConfigFile(file: string, redactor: Redactor, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found (create one with `validate init`)' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message;
    throw new ConfigError([{ file, path: '', message: why }]);
  }
  return parseConfigText(text, file, redactor, env);
}

/** YAML text -> validated config; every problem located at file:line:column. */
export function parseConfigText(text: string, file: string, redactor: Redactor, env: NodeJS.ProcessEnv = process.env): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e): ConfigIssue => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` };
      }),
    );
  }
  if (doc.contents === null) throw new ConfigError([{ file, path: '', message: 'the file is empty; expected a mapping with at least "targets:" (see `validate init`)' }]);
  const envIssues = substituteEnv(doc, lines, file, env, redactor);
  if (envIssues.length > 0) throw new ConfigError(envIssues);
  const data = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([{ file, line: 1, column: 1, path: '', message: `expected a mapping with at least "targets:", found ${Array.isArray(data) ? 'a list' : typeof data}` }]);
  }
  return validateConfig(data, file, (path, key) => locate(doc, lines, path, key), redactor);
}
