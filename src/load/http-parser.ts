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
 *
 * The head is read by http-head.ts, its bytes scanned by http-bytes.ts.
 */
import { chunkSize, CR, CRLF, headEnd, LF, notHttp, ProtocolError, startsLikeHttp } from './http-bytes.js';
import { Framing, readHead, type Head } from './http-head.js';

export { ProtocolError } from './http-bytes.js';

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

const MAX_HEAD = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
const MAX_CAPTURE = 64 * 1024;
/** A state's step returns the index to go on from, or this, having set `result`. */
const STOP = -1;

export class ResponseParser {
  status = 0;
  keepAlive = true;
  error: Error | undefined;
  /** Bytes of this response received so far (a close before any is a stale connection, not an answer). */
  received = 0;
  private state = S.Done;
  private head = true;
  private remaining = 0;
  private pending: Buffer | undefined;
  private capture: Buffer[] | undefined;
  private captured = 0;
  private result: FeedResult = NEED_MORE;
  private readonly read: Head = { status: 0, keepAlive: true, framing: Framing.None, length: 0 };

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
    while (i !== STOP) i = this.step(data, i);
    return this.result;
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

  private step(data: Buffer, i: number): number {
    switch (this.state) {
      case S.Head:
        return this.onHead(data, i);
      case S.Length:
        return this.onBody(data, i);
      case S.ChunkSize:
        return this.onChunkSize(data, i);
      case S.ChunkData:
        return this.onBody(data, i);
      case S.ChunkEnd:
        return this.onChunkEnd(data, i);
      case S.Trailers:
        return this.onTrailer(data, i);
      case S.UntilClose:
        this.keep(data, i, data.length);
        return this.stop(NEED_MORE);
      case S.Done:
        return this.stop(this.fail(trailing(data, i)));
    }
  }

  private onHead(data: Buffer, i: number): number {
    if (i < data.length && !startsLikeHttp(data, i)) return this.stop(this.fail(notHttp(data, i)));
    const end = headEnd(data, i);
    if (end < 0) {
      if (data.length - i > MAX_HEAD) return this.stop(this.fail(new ProtocolError(`response head larger than ${MAX_HEAD} bytes`)));
      return this.wait(data, i);
    }
    const why = readHead(data, i, end, this.head, this.read);
    if (why) return this.stop(this.fail(why));
    this.status = this.read.status;
    const next = end + 4;
    if (this.status >= 100 && this.status < 200 && this.status !== 101) return next; // interim: the final response follows
    this.keepAlive = this.read.keepAlive;
    if (this.read.framing === Framing.None) return this.complete(data, next);
    this.state = FRAMED[this.read.framing];
    this.remaining = this.read.length;
    return next;
  }

  /** Content-Length bytes, or a chunk's: what is there of them, kept when the body is captured. */
  private onBody(data: Buffer, i: number): number {
    const take = Math.min(this.remaining, data.length - i);
    this.keep(data, i, i + take);
    this.remaining -= take;
    if (this.remaining > 0) return this.stop(NEED_MORE);
    if (this.state === S.Length) return this.complete(data, i + take);
    this.state = S.ChunkEnd;
    return i + take;
  }

  private onChunkSize(data: Buffer, i: number): number {
    const eol = data.indexOf(CRLF, i);
    if (eol < 0) {
      if (data.length - i > MAX_CHUNK_LINE) return this.stop(this.fail(new ProtocolError('chunk size line too long')));
      return this.wait(data, i);
    }
    const size = chunkSize(data, i, eol);
    if (size < 0)
      return this.stop(this.fail(new ProtocolError(`invalid chunk size "${data.toString('latin1', i, Math.min(eol, i + 20))}"`)));
    this.remaining = size;
    this.state = size === 0 ? S.Trailers : S.ChunkData;
    return eol + 2;
  }

  private onChunkEnd(data: Buffer, i: number): number {
    if (data.length - i < 2) return this.wait(data, i);
    if (data[i] !== CR || data[i + 1] !== LF)
      return this.stop(this.fail(new ProtocolError('chunk data not followed by CRLF (wrong chunk size?)')));
    this.state = S.ChunkSize;
    return i + 2;
  }

  private onTrailer(data: Buffer, i: number): number {
    const eol = data.indexOf(CRLF, i);
    if (eol < 0) {
      if (data.length - i > MAX_HEAD) return this.stop(this.fail(new ProtocolError('trailer section too large')));
      return this.wait(data, i);
    }
    // The empty line ends the trailer section.
    return eol === i ? this.complete(data, eol + 2) : eol + 2;
  }

  /** The rest of `data` is kept for the next chunk: more is needed. */
  private wait(data: Buffer, i: number): number {
    this.pending = Buffer.from(data.subarray(i));
    return this.stop(NEED_MORE);
  }

  private stop(result: FeedResult): number {
    this.result = result;
    return STOP;
  }

  private complete(data: Buffer, i: number): number {
    this.state = S.Done;
    return this.stop(i < data.length ? this.fail(trailing(data, i)) : COMPLETE);
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

/** The state a body of each framing is read in. */
const FRAMED: Record<Framing, S> = {
  [Framing.None]: S.Done,
  [Framing.Length]: S.Length,
  [Framing.Chunked]: S.ChunkSize,
  [Framing.UntilClose]: S.UntilClose,
};

function trailing(data: Buffer, i: number): ProtocolError {
  return new ProtocolError(`${data.length - i} unexpected bytes after a complete response (is its Content-Length right?)`);
}
