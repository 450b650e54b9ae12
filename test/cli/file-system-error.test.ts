import { describe, expect, it } from 'vitest';
import { fileSystemErrorLine } from '../../src/cli/file-system-error.js';

// A file-system error no command turned into its own message is said in one line naming the file,
// not as "unexpected error: ENOSPC: no space left on device, write".

const errno = (code: string, syscall?: string, path?: string) =>
  Object.assign(new Error(`${code}: something, ${syscall ?? ''} '${path ?? ''}'`), { code, ...(syscall ? { syscall } : {}), ...(path ? { path } : {}) });

describe('fileSystemErrorLine', () => {
  it.each([
    [errno('ENOSPC', 'write', '/home/me/.local/share/ksa/runs/index.json'), 'cannot write /home/me/.local/share/ksa/runs/index.json: the disk is full (ENOSPC)'],
    [errno('EACCES', 'open', '/srv/ksa/runs/index.lock'), 'cannot open /srv/ksa/runs/index.lock: permission denied (EACCES)'],
    [errno('EROFS', 'open', '/mnt/store/runs/x/owner.lock.takeover'), 'cannot open /mnt/store/runs/x/owner.lock.takeover: the file system is read-only (EROFS)'],
    [errno('ENOSPC', 'write'), 'cannot write: the disk is full (ENOSPC)'],
    [errno('EDQUOT', 'mkdir', '/home/me/ksa/runs/a'), 'cannot create /home/me/ksa/runs/a: the disk quota is used up (EDQUOT)'],
    [errno('EPERM', 'futimes'), 'cannot use: permission denied (EPERM)'],
  ])('%s', (error, line) => {
    expect(fileSystemErrorLine(error)).toBe(line);
  });

  it('is not said for what is no such error (a bug stays an unexpected error, with --debug for its trace)', () => {
    expect(fileSystemErrorLine(errno('ENOENT', 'open', '/x'))).toBeUndefined();
    expect(fileSystemErrorLine(new TypeError('x is undefined'))).toBeUndefined();
    expect(fileSystemErrorLine('ENOSPC')).toBeUndefined();
  });
});
