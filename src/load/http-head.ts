import {
  CLOSE,
  CONNECTION,
  CONTENT_LENGTH,
  CR,
  KEEP_ALIVE,
  TRANSFER_ENCODING,
  contains,
  decimal,
  lastTokenIs,
  lineEnd,
  named,
  notHttp,
  ProtocolError,
} from './http-bytes.js';

/** How a response's body is framed (RFC 9112 §6.3). */
export const enum Framing {
  None,
  Length,
  Chunked,
  UntilClose,
}

/** What a response head says, written into one object the parser keeps: nothing allocated per response. */
export interface Head {
  status: number;
  keepAlive: boolean;
  framing: Framing;
  /** With Framing.Length: the body's length. */
  length: number;
}

/**
 * Reads the head in [start, end) (its CRLFCRLF at `end`) into `h`: the status line `HTTP/1.x DDD`, then
 * Content-Length, Transfer-Encoding and Connection by a scan of the bytes. `noBodyAsked` is a HEAD
 * request's. An interim (1xx but 101) head frames nothing. Returns what is wrong, if anything.
 */
export function readHead(b: Buffer, start: number, end: number, noBodyAsked: boolean, h: Head): Error | undefined {
  const status = statusLine(b, start, end);
  if (status < 0) return notHttp(b, start);
  h.status = status;
  const fields = readFields(b, start, end, b[start + 7] === 48);
  if (fields instanceof Error) return fields;
  if (status >= 100 && status < 200 && status !== 101) return undefined;
  h.keepAlive = !fields.close && status !== 101;
  return frame(fields, noBodyAsked || status < 200 || status === 204 || status === 304, h);
}

/** `HTTP/1.x DDD` followed by a space or the line's end: the status, or -1. */
function statusLine(b: Buffer, start: number, end: number): number {
  const minor = b[start + 7];
  if (end - start < 12 || (minor !== 48 && minor !== 49) || b[start + 8] !== 32) return -1;
  const d1 = b[start + 9] - 48;
  const d2 = b[start + 10] - 48;
  const d3 = b[start + 11] - 48;
  const after = b[start + 12];
  if (d1 < 1 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9 || (after !== 32 && after !== CR)) return -1;
  return d1 * 100 + d2 * 10 + d3;
}

/** The body's framing from its headers (none for HEAD, 1xx, 204 and 304); read until the close ends the connection. */
function frame(f: Fields, noBody: boolean, h: Head): Error | undefined {
  if (noBody) {
    h.framing = Framing.None;
    return undefined;
  }
  if (f.te && f.length >= 0) return new ProtocolError('both Transfer-Encoding and Content-Length (RFC 9112: to be handled as an error)');
  h.framing = f.te ? (f.chunked ? Framing.Chunked : Framing.UntilClose) : f.length >= 0 ? Framing.Length : Framing.UntilClose;
  h.length = f.length;
  if (h.framing === Framing.UntilClose) h.keepAlive = false;
  return undefined;
}

interface Fields {
  length: number;
  te: boolean;
  chunked: boolean;
  close: boolean;
}

/** The framing headers of a head: Content-Length (checked), Transfer-Encoding, and Connection's close or keep-alive. */
function readFields(b: Buffer, start: number, end: number, http10: boolean): Fields | Error {
  const f: Fields = { length: -1, te: false, chunked: false, close: http10 };
  let p = lineEnd(b, start, end) + 2;
  while (p < end) {
    const eol = lineEnd(b, p, end);
    const c = b[p] | 0x20;
    if (c === 99 /* c */ && named(b, p, eol, CONTENT_LENGTH)) {
      const n = decimal(b, p + CONTENT_LENGTH.length, eol);
      if (n < 0) return new ProtocolError(`invalid Content-Length "${b.toString('latin1', p + CONTENT_LENGTH.length, eol).trim()}"`);
      if (f.length >= 0 && n !== f.length) return new ProtocolError(`two different Content-Length values (${f.length} and ${n})`);
      f.length = n;
    } else if (c === 116 /* t */ && named(b, p, eol, TRANSFER_ENCODING)) {
      f.te = true;
      f.chunked = lastTokenIs(b, p + TRANSFER_ENCODING.length, eol, 'chunked');
    } else if (c === 99 && named(b, p, eol, CONNECTION)) {
      if (contains(b, p + CONNECTION.length, eol, CLOSE)) f.close = true;
      else if (contains(b, p + CONNECTION.length, eol, KEEP_ALIVE)) f.close = false;
    }
    p = eol + 2;
  }
  return f;
}
