import type { z } from 'zod';
import type { TargetBase } from '../fields/target.js';
import type { ConnectionFactory } from '../load/types.js';

/** What an operation loads, once resolved against its target: its connections, its URL, and a line saying what it does. */
export interface OperationLoad {
  factory: ConnectionFactory;
  url: string;
  describe: string;
}

/**
 * How the `operations` scenario talks to one kind of target: HTTP to an engine, a command to Redis, SQL
 * to PostgreSQL. A protocol is one file and one line in `operation-protocols.ts`: its own fields join the
 * operation's schema, its own config rule is checked, and it opens the load.
 */
export interface OperationProtocol {
  /** Target kinds it loads. */
  targetKinds: string[];
  /** In words, for messages: "Redis target". */
  what: string;
  /** Fields of its own on an operation (`command`, `query`), merged into the operation's schema. */
  fields: z.ZodRawShape;
  /** The field an operation on such a target must give, and an example of it, for the config error. */
  required?: { field: string; example: string };
  /** What the operation changes (its method, command or statement), or undefined when it only reads (scenarios/changes-data.ts). */
  changesData?(op: Record<string, unknown>): string | undefined;
  open(op: Record<string, unknown>, target: TargetBase, timeoutMs: number, targets: Map<string, TargetBase>): Promise<OperationLoad>;
}
