/**
 * Flags load testers type from autocannon, wrk, hey and k6 that `validate load` spells another way or does
 * not have: commander's "unknown option" gets the flag of ours that does the same, or says why there is none.
 */
const FOREIGN: Record<string, string> = {
  '-n': "connections are -c (--connections) here, as in autocannon and wrk; autocannon's -n (no progress bar) is not needed: progress shows only on a terminal",
  '-r': 'total requests are -a (--amount) here, as in autocannon; a rate is -R (--rate)',
  '-p': 'validate load sends one request at a time on each connection (no pipelining): raise -c instead',
  '--pipelining': 'validate load sends one request at a time on each connection (no pipelining): raise -c instead',
  '-w': 'worker threads are --workers N here',
  '-j': 'JSON is --format json here (or --out result.json)',
  '--json': 'JSON is --format json here (or --out result.json)',
  '-s': 'validate load takes no Lua script: give the request with -m, -H and -b, or write an operations scenario in a config',
  '--script': 'validate load takes no Lua script: give the request with -m, -H and -b, or write an operations scenario in a config',
  '-z': 'the duration is -d (--duration) here, as in autocannon and wrk',
  '--vus': "k6's virtual users are -c (--connections) here",
  '--rps': 'a rate is -R (--rate) here, as in wrk2',
  '--iterations': 'total requests are -a (--amount) here',
  '-i': 'give the body inline: -b "$(cat body.json)"',
  '--input': 'give the body inline: -b "$(cat body.json)"',
  '--threads': 'validate load runs one event loop per process: for more cores, --workers N',
};

/** Commander's message for an unknown option, with what to type instead when the flag is another tool's. */
export function withForeignFlagHint(message: string): string {
  const flag = /unknown option '([^'=]+)/.exec(message)?.[1];
  const hint = flag === undefined ? undefined : (FOREIGN[flag] ?? FOREIGN[flag.slice(0, 2)]);
  return hint ? `${message.trimEnd()}\n(${flag}: ${hint})\n` : message;
}
