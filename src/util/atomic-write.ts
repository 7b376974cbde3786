import { lstat, mkdir, realpath, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/**
 * Writes via a temporary file in the same folder and renames it into place, so a reader (or a
 * scheduled job killed halfway) never sees half a report. Only a regular file (or nothing) is ever
 * replaced: a device, a pipe or a socket (`--out /dev/stdout`, a FIFO a collector reads) is written
 * to as it is; renaming over it would destroy it, and running as root nothing else would stop that.
 */
export async function writeFileAtomic(given: string, content: string): Promise<void> {
  let path = given;
  let existing = await lstat(path).catch(absent);
  // A link is followed: the file it points to is what gets replaced, and the link stays.
  if (existing?.isSymbolicLink()) {
    path = await realpath(path).catch(() => path);
    existing = await lstat(path).catch(absent);
  }
  if (existing && !existing.isFile()) {
    if (existing.isDirectory()) throw Object.assign(new Error(`${given} is a folder`), { code: 'EISDIR', path: given });
    await writeFile(path, content, 'utf8');
    return;
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

function absent(err: NodeJS.ErrnoException): undefined {
  if (err.code === 'ENOENT') return undefined;
  throw err;
}
