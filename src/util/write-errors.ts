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
};
