/** Fields every target has, whatever its kind. */
export interface TargetBase {
  name: string;
  kind: string;
  url: string;
  required: boolean;
  phase?: string;
  /** Per-target timeout in ms (defaults.timeout when absent). */
  timeout?: number;
}
