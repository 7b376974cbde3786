import { execFileSync } from 'node:child_process';
import { runCli, type CliResult } from './cli.js';

export interface VirtualHosts {
  /** The address the machine itself has on the hosts' network: where a target for them listens. */
  gateway: string;
  hosts: { ns: string; ip: string }[];
  /** Runs validate inside a host's network namespace. */
  validate(host: number, args: string[]): Promise<CliResult>;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/**
 * `n` machines as far as the network can tell: network namespaces (as root), each with its own
 * interface and address on a bridge of the test's own, so what they send reaches a target from n
 * different source addresses over a real (virtual) link. Names carry the test's pid; the machine's own
 * interfaces and services are not touched.
 */
export function virtualHosts(n: number): VirtualHosts {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root (ip netns add): run the tests as root, as .ci/run does');
  const tag = String(process.pid % 100_000);
  const net = `10.213.${process.pid % 250}`;
  const bridge = `brv${tag}`;
  const hosts = Array.from({ length: n }, (_, i) => ({
    ns: `vs${tag}-${i + 1}`,
    ip: `${net}.${11 + i}`,
    veth: `vh${tag}${i + 1}`,
    peer: `vn${tag}${i + 1}`,
  }));
  const remove = () => {
    for (const h of hosts) {
      try {
        ip('netns', 'del', h.ns);
      } catch {
        /* not made */
      }
    }
    try {
      ip('link', 'del', bridge);
    } catch {
      /* not made */
    }
  };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${net}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (const h of hosts) {
      ip('netns', 'add', h.ns);
      ip('link', 'add', h.veth, 'type', 'veth', 'peer', 'name', h.peer);
      ip('link', 'set', h.peer, 'netns', h.ns);
      ip('link', 'set', h.veth, 'master', bridge, 'up');
      ip('-n', h.ns, 'addr', 'add', `${h.ip}/24`, 'dev', h.peer);
      ip('-n', h.ns, 'link', 'set', h.peer, 'up');
      ip('-n', h.ns, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    remove();
    throw new Error(
      `could not make ${n} network namespaces: ${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`,
    );
  }
  return {
    gateway: `${net}.1`,
    hosts: hosts.map(({ ns, ip: addr }) => ({ ns, ip: addr })),
    validate: (i, args) => runCli(args, { under: ['ip', 'netns', 'exec', hosts[i].ns] }),
    remove,
  };
}
