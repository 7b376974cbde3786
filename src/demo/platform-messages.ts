import type { DemoPlatform } from './platform.js';

/** What the demo's command says to its platform's process. */
export type ToPlatform = { type: 'rules'; rules: Parameters<DemoPlatform['loadAlertRules']>[0] } | { type: 'close' };

/** What the platform's process answers. */
export type FromPlatform =
  | ({ type: 'ready' } & Pick<DemoPlatform, 'engines' | 'replicas' | 'pidfile' | 'prometheusUrl' | 'grafanaUrl'>)
  | { type: 'rules-loaded' }
  | { type: 'failed'; message: string };
