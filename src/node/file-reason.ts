/** Short reasons for failed file operations, shared by the batch worker and the CLI. */

/** A short reason for a failed file operation: `no such file`, `permission denied`, ... */
export function fileReason(error: unknown): string {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    switch (e.code) {
      case 'ENOENT': return 'no such file';
      case 'EISDIR': return 'is a directory';
      case 'ENOTDIR': return 'not a directory';
      case 'EACCES':
      case 'EPERM': return 'permission denied';
      case 'EEXIST': return 'already exists';
      case 'ELOOP': return 'too many levels of symbolic links';
      case 'ENOSPC': return 'no space left on the device';
      case 'EDQUOT': return 'disk quota exceeded';
      case 'ENAMETOOLONG': return 'file name too long';
      case 'EROFS': return 'read-only file system';
      case 'EMFILE':
      case 'ENFILE': return 'too many open files';
      case 'EIO': return 'input/output error';
      case 'ENXIO':
      case 'ENODEV': return 'no such device';
      default:
    }
  }
  return error instanceof Error ? error.message : String(error);
}
