import { mkdir, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/**
 * Writes via a temporary file in the same folder and renames it into place, so a reader (or a
 * scheduled job killed halfway) never sees half a report.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
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
