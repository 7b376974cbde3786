/** Parses the text of Redis `INFO` into a flat key -> value map (section headers dropped). */
export function parseInfo(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) map.set(line.slice(0, i), line.slice(i + 1));
  }
  return map;
}

export function num(info: Map<string, string>, key: string): number | undefined {
  const v = info.get(key);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** CPU seconds Redis has used (system + user, main thread and children). */
export function cpuSeconds(info: Map<string, string>): number | undefined {
  const sys = num(info, 'used_cpu_sys');
  const user = num(info, 'used_cpu_user');
  return sys === undefined || user === undefined ? undefined : sys + user;
}
