/** What a target must refuse (the config's `security`). */
export interface Security {
  auth?: 'required' | 'optional';
  tls?: 'required' | 'optional';
}

/** Fields every target has, whatever its kind. */
export interface TargetBase {
  name: string;
  kind: string;
  url: string;
  required: boolean;
  phase?: string;
  /** Per-target timeout in ms (defaults.timeout when absent). */
  timeout?: number;
  /** What it must refuse; see `security` in fields.ts. */
  security?: Security;
  /** PromQL giving each of its measurements in production, in the measurement's unit (for `validate alerts`). */
  metrics?: Record<string, string>;
}

/** Whether a target's certificate is checked when it speaks TLS: its `tlsVerify` where its kind has one, else yes. */
export function tlsVerifyOf(t: TargetBase): boolean {
  return (t as TargetBase & { tlsVerify?: boolean }).tlsVerify ?? true;
}
