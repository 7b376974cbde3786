/**
 * What a command that loads starts before it reads anything: the load thread, whose modules then load on
 * the other core (kept apart from the command's own file so importing it costs nothing).
 */
export { warmLoadThread } from '../run/load-thread.js';
