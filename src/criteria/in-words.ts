import { AGGREGATES } from './aggregate.js';
import type { ResolvedRef } from './catalog.js';
import type { Comparator } from './expression.js';

const OP_WORDS: Record<Comparator, string> = {
  '<': 'under',
  '<=': 'at most',
  '>': 'over',
  '>=': 'at least',
  '==': 'exactly',
  '!=': 'not',
};

/**
 * A criterion's requirement as a sentence a go-live meeting reads: "no required targets failing",
 * "p99 latency under 50 ms on md-feed", "available at least 100% on every engine". A criterion's own name
 * says what it is about ("Engine down"); glued to a bare `>= 100%` it reads as the opposite of what it
 * means, so the executive summary shows these words instead.
 */
export function requirementInWords(ref: ResolvedRef, op: Comparator, bound: number, boundText: string): string {
  const label = ref.spec.label + selector(ref);
  const flag = ref.spec.flag ? flagWanted(op, bound) : undefined;
  if (flag === 'yes') return `${label}${where(ref, '>=')}`;
  if (flag === 'no') {
    const w = where(ref, op);
    return `${label}: no${w.startsWith(' on') ? `,${w}` : w}`;
  }
  const none = bound === 0 && (op === '==' || op === '<=' || op === '<');
  const condition = none ? `no ${label}` : `${label} ${OP_WORDS[op]} ${boundText}`;
  return `${condition}${where(ref, op)}`;
}

/** What a bound on a yes/no fact asks for: yes (1), no (0), or something the words cannot say plainly. */
function flagWanted(op: Comparator, bound: number): 'yes' | 'no' | undefined {
  const yes = (op === '==' && bound === 1) || (op === '>=' && bound === 1) || (op === '>' && bound === 0) || (op === '!=' && bound === 0);
  const no = (op === '==' && bound === 0) || (op === '<' && bound === 1) || (op === '<=' && bound === 0) || (op === '!=' && bound === 1);
  return yes ? 'yes' : no ? 'no' : undefined;
}

function selector(ref: ResolvedRef): string {
  if (!ref.matchers?.length) return '';
  return ` {${ref.matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(', ')}}`;
}

/** Over which targets: one named, every one of a kind (a min or max bound holds for each), or all together. */
function where(ref: ResolvedRef, op: Comparator): string {
  const s = ref.scope;
  if (s.type === 'member') return ` on ${s.name}`;
  if (s.type === 'group') {
    const rule = AGGREGATES[ref.spec.aggregate];
    const which = rule.boundsEach(op) ? 'on the worst of' : rule.averages ? 'on average over' : 'over';
    return ` ${which} ${s.name}'s ${s.members.length === 1 ? 'result' : `${s.members.length} results`} (${s.members.join(', ')})`;
  }
  if (s.type === 'all' && ref.spec.aggregate === 'sum') return ''; // "no required targets failing" says it all
  const whom = s.type === 'kind' ? s.kind : s.requiredOnly ? 'required target' : 'target';
  const rule = AGGREGATES[ref.spec.aggregate];
  if (rule.boundsEach(op)) return ` on every ${whom}`;
  if (rule.averages) return ` on average over ${s.type === 'kind' ? `${whom} targets` : `${whom}s`}`;
  return ` (all ${whom}s together)`;
}
