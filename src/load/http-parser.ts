/**
 * An HTTP/1.x response parser by the rules of RFC 9112, on bytes, for the load generator's hot path:
 * no strings built per response but for the Connection header's value. Fed chunks as they arrive; says
 * when a response is complete, and what is wrong when it is not HTTP.
 *
 * - The status line must be `HTTP/1.x DDD`; anything else fails at once ("not HTTP"), a TLS record first
 *   of all ("it speaks TLS").
 * - Interim responses (1xx but 101) are skipped: the request waits for its final response.
 * - HEAD, 1xx, 204 and 304 have no body whatever their headers say.
 * - Body: chunked (extensions and trailers allowed, sizes checked), else Content-Length (checked: digits,
 *   one value), else until the connection closes. Transfer-Encoding with Content-Length is an error.
 * - Keep-alive: HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
 * - Bytes after a complete response (no pipelining here) are a protocol error, not dropped.
 */
import { SPEAKS_TLS } from '../protocols/http/speaks-tls.js';

export const NEED_MORE = 0;
export const COMPLETE = 1;
export const FAILED = 2;
export type FeedResult = typeof NEED_MORE | typeof COMPLETE | typeof FAILED;

const enum S {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const CR = 13;
const LF = 10;
const CRLF = Buffer.from('\r\n');
const HTTP_1 = Buffer.from('HTTP/1.');
const MAX_HEAD = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
const MAX_CAPTURE = 64 * 1024;

/** The answer broke HTTP/1.x framing; its message is its cause (and its key: each kind counted apart). */
export class ProtocolError extends Error {}

export class ResponseParser {
  status = 0;
  keepAlive = true;
  error: Error | undefined;
  /** Bytes of this response received so far (a close before any is a stale connection, not an answer). */
  received = 0;
  private state = S.Done;
  private head = true;
  private noBody = false;
  private remaining = 0;
  private pending: Buffer | undefined;
  private capture: Buffer[] | undefined;
  private captured = 0;

  /**
   * Expect a response to a request of this method; `capture` keeps the body (up to 64 KiB). The chunks
   * fed may live in a buffer that the next read overwrites: whatever is kept is copied.
   */
  begin(method: string, capture: boolean): void {
    this.state = S.Head;
    this.head = method === 'HEAD';
    this.status = 0;
    this.keepAlive = true;
    this.error = undefined;
    this.received = 0;
    this.pending = undefined;
    this.capture = capture ? [] : undefined;
    this.captured = 0;
  }

  get body(): Buffer {
    return this.capture ? Buffer.concat(this.capture) : Buffer.alloc(0);
  }

  get idle(): boolean {
    return this.state === S.Done;
  }

  feed(chunk: Buffer): FeedResult {
    this.received += chunk.length;
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let i = 0;
    for (;;) {
      switch (this.state) {
        case S.Head: {
          if (i < data.length && !this.startsLikeHttp(data, i)) return this.fail(notHttp(data, i));
          const end = headEnd(data, i);
          if (end < 0) {
            if (data.length - i > MAX_HEAD) return this.fail(new ProtocolError(`response head larger than ${MAX_HEAD} bytes`));
            this.pending = Buffer.from(data.subarray(i));
            return NEED_MORE;
          }
          const why = this.parseHead(data, i, end);
          if (why) return this.fail(why);
          i = end + 4;
          if (this.status >= 100 && this.status < 200 && this.status !== 101) continue; // interim: the final response follows
          if (this.noBody) return this.complete(data, i);
          continue;
        }
        case S.Length: {
          const take = Math.min(this.remaining, data.length - i);
          this.keep(data, i, i + take);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) return this.complete(data, i);
          return NEED_MORE;
        }
        case S.ChunkSize: {
          const eol = data.indexOf(CRLF, i);
          if (eol < 0) {
            if (data.length - i > MAX_CHUNK_LINE) return this.fail(new ProtocolError('chunk size line too long'));
            this.pending = Buffer.from(data.subarray(i));
            return NEED_MORE;
          }
          const size = chunkSize(data, i, eol);
          if (size < 0) return this.fail(new ProtocolError(`invalid chunk size "${data.toString('latin1', i, Math.min(eol, i + 20))}"`));
          i = eol + 2;
          this.remaining = size;
          this.state = size === 0 ? S.Trailers : S.ChunkData;
          continue;
        }
        case S.ChunkData: {
          const take = Math.min(this.remaining, data.length - i);
          this.keep(data, i, i + take);
          this.remaining -= take;
          i += take;
          if (this.remaining > 0) return NEED_MORE;
          this.state = S.ChunkEnd;
          continue;
        }
        case S.ChunkEnd: {
          if (data.length - i < 2) {
            this.pending = Buffer.from(data.subarray(i));
            return NEED_MORE;
          }
          if (data[i] !== CR || data[i + 1] !== LF)
            return this.fail(new ProtocolError('chunk data not followed by CRLF (wrong chunk size?)'));
          i += 2;
          this.state = S.ChunkSize;
          continue;
        }
        case S.Trailers: {
          const eol = data.indexOf(CRLF, i);
          if (eol < 0) {
            if (data.length - i > MAX_HEAD) return this.fail(new ProtocolError('trailer section too large'));
            this.pending = Buffer.from(data.subarray(i));
            return NEED_MORE;
          }
          const blank = eol === i; // the empty line that ends the trailer section
          i = eol + 2;
          if (blank) return this.complete(data, i);
          continue;
        }
        case S.UntilClose:
          this.keep(data, i, data.length);
          return NEED_MORE;
        case S.Done:
          return this.fail(
            new ProtocolError(`${data.length - i} unexpected bytes after a complete response (is its Content-Length right?)`),
          );
      }
    }
  }

  /** The connection closed: that completes a body read until the close, and fails anything else unfinished. */
  closed(): FeedResult {
    if (this.state === S.UntilClose) {
      this.state = S.Done;
      return COMPLETE;
    }
    if (this.state === S.Done) return COMPLETE;
    if (this.received === 0)
      return this.fail(Object.assign(new Error('the server closed the connection before answering'), { code: 'ECONNRESET' }));
    return this.fail(new ProtocolError('the server closed the connection in the middle of the response'));
  }

  private startsLikeHttp(data: Buffer, i: number): boolean {
    // Only the bytes a head has so far: a check as early as the first byte.
    const n = Math.min(HTTP_1.length, data.length - i);
    for (let k = 0; k < n; k++) if (data[i + k] !== HTTP_1[k]) return false;
    return true;
  }

  private parseHead(b: Buffer, start: number, end: number): Error | undefined {
    // HTTP/1.x SP DDD (SP reason | CRLF)
    const minor = b[start + 7];
    if (end - start < 12 || (minor !== 48 && minor !== 49) || b[start + 8] !== 32) return notHttp(b, start);
    const d1 = b[start + 9] - 48;
    const d2 = b[start + 10] - 48;
    const d3 = b[start + 11] - 48;
    const after = b[start + 12];
    if (d1 < 1 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9 || (after !== 32 && after !== CR)) return notHttp(b, start);
    this.status = d1 * 100 + d2 * 10 + d3;
    const http10 = minor === 48;
    let length = -1;
    let te = false;
    let chunked = false;
    let close = http10;
    // Lines found by a scan of the head's bytes in place: no native call and no string per header.
    let p = lineEnd(b, start, end) + 2;
    while (p < end) {
      const eol = lineEnd(b, p, end);
      const c = b[p] | 0x20;
      if (c === 99 /* c */ && named(b, p, eol, CONTENT_LENGTH)) {
        const n = decimal(b, p + CONTENT_LENGTH.length, eol);
        if (n < 0) return new ProtocolError(`invalid Content-Length "${b.toString('latin1', p + CONTENT_LENGTH.length, eol).trim()}"`);
        if (length >= 0 && n !== length) return new ProtocolError(`two different Content-Length values (${length} and ${n})`);
        length = n;
      } else if (c === 116 /* t */ && named(b, p, eol, TRANSFER_ENCODING)) {
        te = true;
        chunked = lastTokenIs(b, p + TRANSFER_ENCODING.length, eol, 'chunked');
      } else if (c === 99 && named(b, p, eol, CONNECTION)) {
        if (contains(b, p + CONNECTION.length, eol, CLOSE)) close = true;
        else if (contains(b, p + CONNECTION.length, eol, KEEP_ALIVE)) close = false;
      }
      p = eol + 2;
    }
    if (this.status >= 100 && this.status < 200 && this.status !== 101) return undefined; // interim: its headers frame nothing
    this.keepAlive = !close && this.status !== 101;
    this.noBody = this.head || this.status < 200 || this.status === 204 || this.status === 304;
    if (this.noBody) return undefined;
    if (te && length >= 0) return new ProtocolError('both Transfer-Encoding and Content-Length (RFC 9112: to be handled as an error)');
    if (te) {
      this.state = chunked ? S.ChunkSize : S.UntilClose;
      if (!chunked) this.keepAlive = false;
    } else if (length >= 0) {
      this.state = S.Length;
      this.remaining = length;
    } else {
      this.state = S.UntilClose;
      this.keepAlive = false;
    }
    return undefined;
  }

  private complete(data: Buffer, i: number): FeedResult {
    this.state = S.Done;
    if (i < data.length)
      return this.fail(new ProtocolError(`${data.length - i} unexpected bytes after a complete response (is its Content-Length right?)`));
    return COMPLETE;
  }

  private fail(err: Error): FeedResult {
    this.error = err;
    this.state = S.Done;
    this.keepAlive = false;
    return FAILED;
  }

  private keep(data: Buffer, from: number, to: number): void {
    if (!this.capture || this.captured >= MAX_CAPTURE || to <= from) return;
    this.capture.push(Buffer.from(data.subarray(from, Math.min(to, from + MAX_CAPTURE - this.captured))));
    this.captured += to - from;
  }
}

const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CONNECTION = Buffer.from('connection:');
const CLOSE = Buffer.from('close');
const KEEP_ALIVE = Buffer.from('keep-alive');

/** Where the head that starts at `i` ends (the index of its CRLFCRLF), or -1 while it is incomplete. */
function headEnd(b: Buffer, i: number): number {
  for (let k = i + 3; k < b.length; k++) {
    if (b[k] === LF && b[k - 1] === CR && b[k - 2] === LF && b[k - 3] === CR) return k - 3;
  }
  return -1;
}

/** The CR of the line that starts at `p`, or `end` when the line runs to the end of the head. */
function lineEnd(b: Buffer, p: number, end: number): number {
  for (let k = p; k < end; k++) if (b[k] === CR && b[k + 1] === LF) return k;
  return end;
}

/** Does the value in [from, to) contain `token` (lower case), letters compared case-insensitively? */
function contains(b: Buffer, from: number, to: number, token: Buffer): boolean {
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
function named(b: Buffer, p: number, eol: number, name: Buffer): boolean {
  if (eol - p < name.length) return false;
  for (let k = 0; k < name.length; k++) {
    const x = b[p + k];
    const y = name[k];
    if (x !== y && (x | 0x20) !== y) return false;
  }
  return true;
}

/** A header value of digits only (with optional white space around), or -1. */
function decimal(b: Buffer, from: number, to: number): number {
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
function chunkSize(b: Buffer, from: number, eol: number): number {
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

function lastTokenIs(b: Buffer, from: number, to: number, token: string): boolean {
  const v = b.toString('latin1', from, to).toLowerCase().split(',');
  return v[v.length - 1].trim() === token;
}

/** What came back is not an HTTP/1.x response: a TLS record says so plainly. */
function notHttp(b: Buffer, i: number): Error {
  if ((b[i] === 0x15 || b[i] === 0x16) && b[i + 1] === 0x03) return new ProtocolError(SPEAKS_TLS);
  const shown = b.toString('latin1', i, Math.min(b.length, i + 24)).replace(/[^\x20-\x7e]/g, '.');
  return new ProtocolError(`not HTTP: the answer starts with "${shown}", not "HTTP/1.x DDD"`);
}
