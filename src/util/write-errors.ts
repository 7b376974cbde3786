/** Why a file could not be written, in words, by the system's error code. */
export const WRITE_ERRORS: Record<string, string> = {
  EEXIST: 'a file stands where its folder should be',
  ENOTDIR: 'a file stands where its folder should be',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EISDIR: 'that path is a folder',
  ENAMETOOLONG: 'the path is too long',
  // Writing under /proc or /sys: the folder is there but takes no new file.
  ENOENT: 'its folder cannot hold a new file (a folder of the system, like /proc, or one removed meanwhile)',
  EIO: 'an I/O error (a failing disk?)',
  ELOOP: 'too many symbolic links in the path',
  EINVAL: 'the file system refuses that name',
};
