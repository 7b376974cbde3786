import type { Status } from '../../results/result.js';

const STATUS_RANK: Record<Status, number> = { fail: 4, inconclusive: 3, warn: 2, skip: 1, pass: 0 };
const GRADE_RANK = ['A+', 'A', 'B', 'C', 'D', 'F'];

/** The worst of several statuses: one failure fails the group. */
export function worstStatus(statuses: Status[]): Status {
  return statuses.reduce<Status>((w, s) => (STATUS_RANK[s] > STATUS_RANK[w] ? s : w), 'pass');
}

/** The worst grade; `-` (not judged) only when nothing was graded. */
export function worstGrade(grades: string[]): string {
  const graded = grades.filter((g) => GRADE_RANK.includes(g));
  if (graded.length === 0) return '-';
  return graded.reduce((w, g) => (GRADE_RANK.indexOf(g) > GRADE_RANK.indexOf(w) ? g : w));
}
