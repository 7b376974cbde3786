// The bundle's stand-in for zod's locales index: zod registers English by itself (classic/schemas.js), and
// validate never switches locale, so the other 60-odd languages (about a third of zod's code) are left out
// of every thread's start-up. `z.locales.en` stays, for anyone who calls z.config() with it.
export { default as en } from 'zod/v4/locales/en.js';
