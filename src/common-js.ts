/**
 * A CommonJS package's exports, from a lazy `import()`. Under Node's loader the namespace names them; in
 * the bundle bin/validate runs (scripts/bundle.mjs) a lazily loaded CommonJS chunk exports only `default`,
 * its module.exports. Both hold the same properties there, so they are read from it.
 */
export function commonJs<T extends object>(namespace: T): T {
  return ((namespace as { default?: T }).default ?? namespace) as T;
}
