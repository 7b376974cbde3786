/**
 * Scans over the bytes of an HTTP/1.x response head, in place: no native call and no string per header
 * (the response parser's hot path, load/http-parser.ts).
 */
import { SPEAKS_TLS } from '../protocols/http/speaks-tls.js';

/** The answer broke HTTP/1.x framing; its message is its cause (and its key: each kind counted apart). */
export class ProtocolError extends Error {}

export const CR = 13;
export const LF = 10;
export const CRLF = Buffer.from('\r\n');
export const HTTP_1 = Buffer.from('HTTP/1.');
export const CONTENT_LENGTH = Buffer.from('content-length:');
export const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
export const CONNECTION = Buffer.from('connection:');
export const CLOSE = Buffer.from('close');
export const KEEP_ALIVE = Buffer.from('keep-alive');

/** Where the head that starts at `i` ends (the index of its CRLFCRLF), or -1 while it is incomplete. */
export function headEnd(b: Buffer, i: number): number {
  for (let k = i + 3; k < b.length; k++) {
    if (b[k] === LF && b[k - 1] === CR && b[k - 2] === LF && b[k - 3] === CR) return k - 3;
  }
  return -1;
}

/** The CR of the line that starts at `p`, or `end` when the line runs to the end of the head. */
export function lineEnd(b: Buffer, p: number, end: number): number {
  for (let k = p; k < end; k++) if (b[k] === CR && b[k + 1] === LF) return k;
  return end;
}

/** Do the bytes from `i` begin as a status line may (only those a head has so far: a check as early as the first byte)? */
export function startsLikeHttp(data: Buffer, i: number): boolean {
  const n = Math.min(HTTP_1.length, data.length - i);
  for (let k = 0; k < n; k++) if (data[i + k] !== HTTP_1[k]) return false;
  return true;
}

/** Does the value in [from, to) contain `token` (lower case), letters compared case-insensitively? */
export function contains(b: Buffer, from: number, to: number, token: Buffer): boolean {
  outer: for (let k = from; k + token.length <= to; k++) {
    for (let j = 0; j < token.length; j++) {
      const x = b[k + j];
      if (x !== token[j] && (x | 0x20) !== token[j]) continue outer;
    }
    return true;
  }
  return false;
}

/** Is the header line at `p` named `name` (lower case, with its colon)? Letters compare case-insensitively. */
export function named(b: Buffer, p: number, eol: number, name: Buffer): boolean {
  if (eol - p < name.length) return false;
  for (let k = 0; k < name.length; k++) {
    const x = b[p + k];
    const y = name[k];
    if (x !== y && (x | 0x20) !== y) return false;
  }
  return true;
}

/** A header value of digits only (with optional white space around), or -1. */
export function decimal(b: Buffer, from: number, to: number): number {
  while (from < to && (b[from] === 32 || b[from] === 9)) from++;
  while (to > from && (b[to - 1] === 32 || b[to - 1] === 9)) to--;
  if (from === to || to - from > 15) return -1;
  let n = 0;
  for (let k = from; k < to; k++) {
    const d = b[k] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** `chunk-size [; ext]`: hex digits, then optional extensions; -1 when it is not that. */
export function chunkSize(b: Buffer, from: number, eol: number): number {
  let n = 0;
  let digits = 0;
  let k = from;
  for (; k < eol; k++) {
    const c = b[k];
    const v = c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1;
    if (v < 0) break;
    n = n * 16 + v;
    if (++digits > 12) return -1;
  }
  if (digits === 0) return -1;
  while (k < eol && (b[k] === 32 || b[k] === 9)) k++;
  return k === eol || b[k] === 59 /* ; */ ? n : -1;
}

export function lastTokenIs(b: Buffer, from: number, to: number, token: string): boolean {
  const v = b.toString('latin1', from, to).toLowerCase().split(',');
  return v[v.length - 1].trim() === token;
}

/** What came back is not an HTTP/1.x response: a TLS record says so plainly. */
export function notHttp(b: Buffer, i: number): Error {
  if ((b[i] === 0x15 || b[i] === 0x16) && b[i + 1] === 0x03) return new ProtocolError(SPEAKS_TLS);
  const shown = b.toString('latin1', i, Math.min(b.length, i + 24)).replace(/[^\x20-\x7e]/g, '.');
  return new ProtocolError(`not HTTP: the answer starts with "${shown}", not "HTTP/1.x DDD"`);
}
