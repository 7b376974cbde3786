/**
 * The go-live checklist's vocabulary. A kind says which of its measurements bear on which requirement
 * (`MetricSpec.evidence`); the run gives each result its evidence and each criterion the requirement it
 * verifies; the checklist is read from those alone, so a new kind joins it by declaring, never by a
 * renderer learning its name.
 */
export const REQUIREMENTS = ['security', 'backups', 'acceleration', 'communication', 'scaling', 'resources'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** How a measurement reads as evidence: a flag counted over the results that report it, or a number whose worst is shown. */
export interface EvidenceSpec {
  requirement: Requirement;
  /** What it is, in a few words: "credentials required", "oldest RDB save". */
  words: string;
  /** A number, not a flag: its smallest or largest over the results is the one shown. */
  worst?: 'min' | 'max';
  unit?: 's' | 'days' | '%';
}

/** One result's measurement that is evidence for a requirement. */
export interface Evidence extends EvidenceSpec {
  metric: string;
  value: number;
}
