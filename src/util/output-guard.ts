type Write = (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean;
const raw = new Map<NodeJS.WriteStream, Write>();

/**
 * Routes every write to a stream through `scrub` (credentials masked), strings and buffers alike, so no
 * code path (a library's message, a forgotten debug line) can print a secret. Encodings and callbacks
 * pass through as given.
 */
export function guardOutput(stream: NodeJS.WriteStream, scrub: (text: string) => string): void {
  const write = stream.write.bind(stream) as Write;
  raw.set(stream, write);
  stream.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    if (typeof chunk === 'string') return write(scrub(chunk), encoding, cb);
    if (Buffer.isBuffer(chunk) || chunk instanceof Uint8Array)
      return write(scrub(Buffer.from(chunk).toString('utf8')), typeof encoding === 'function' ? encoding : cb);
    return write(chunk, encoding, cb);
  }) as typeof stream.write;
}

/**
 * A rendered report, which comes from a model whose every string was already scrubbed: written as is,
 * because masking text inside JSON or XML could break it (a numeric secret inside a number).
 */
export function writeReportOut(text: string): void {
  (raw.get(process.stdout) ?? (process.stdout.write.bind(process.stdout) as Write))(text);
}
