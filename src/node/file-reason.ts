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
      default:
    }
  }
  return error instanceof Error ? error.message : String(error);
}
