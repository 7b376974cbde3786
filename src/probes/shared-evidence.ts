import type { EvidenceSpec } from '../results/checklist.js';

/**
 * Checklist evidence for the metrics several kinds report under one name: the checklist counts them
 * together (credentials required on 3 of 4 targets, whatever their kinds), so they must say the same.
 */
export const CREDENTIALS_REQUIRED: EvidenceSpec = { requirement: 'security', words: 'credentials required' };
export const PLAINTEXT_REFUSED: EvidenceSpec = { requirement: 'security', words: 'plaintext refused' };
export const HIGHEST_CPU: EvidenceSpec = { requirement: 'resources', words: 'highest CPU', worst: 'max', unit: '%' };
export const HIGHEST_MEMORY: EvidenceSpec = { requirement: 'resources', words: 'highest memory', worst: 'max', unit: '%' };
