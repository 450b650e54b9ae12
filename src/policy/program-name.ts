/** `/usr/bin/rm` and `rm` are the same program for the classifier. */
export function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return base === '' ? word : base;
}

/** Programs that delete or overwrite what cannot be restored, whatever their arguments. */
export const DESTROY_PROGRAMS: Readonly<Record<string, string>> = {
  rm: 'rm deletes files',
  unlink: 'unlink deletes a file',
  shred: 'shred overwrites files',
  truncate: 'truncate cuts files',
  wipefs: 'wipefs erases disk signatures',
  fdisk: 'fdisk rewrites a partition table',
  sfdisk: 'sfdisk rewrites a partition table',
  parted: 'parted rewrites a partition table',
  sgdisk: 'sgdisk rewrites a partition table',
  blkdiscard: 'blkdiscard discards a disk',
  mkswap: 'mkswap formats a disk',
  mke2fs: 'mke2fs formats a disk',
  userdel: 'userdel deletes a user',
  deluser: 'deluser deletes a user',
  groupdel: 'groupdel deletes a group',
  reboot: 'reboot takes the machine down',
  shutdown: 'shutdown takes the machine down',
  halt: 'halt takes the machine down',
  poweroff: 'poweroff takes the machine down',
};

export function destroyProgramReason(name: string): string | undefined {
  if (Object.hasOwn(DESTROY_PROGRAMS, name)) return DESTROY_PROGRAMS[name];
  if (/^mkfs(\..+)?$/.test(name)) return `${name} formats a disk`;
  return undefined;
}

/** Programs that only observe (read files, print, query), whatever their arguments, unless a rule says otherwise. */
export const READ_PROGRAMS = new Set([
  'ls', 'cat', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'rg', 'ag', 'echo', 'printf', 'pwd', 'whoami', 'id', 'groups', 'uname',
  'ps', 'pgrep', 'df', 'du', 'free', 'uptime', 'printenv', 'which', 'type', 'true', 'false', 'test', '[', 'wc', 'uniq', 'cut',
  'tr', 'jq', 'less', 'more', 'file', 'stat', 'diff', 'cmp', 'comm', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'cksum',
  'basename', 'dirname', 'realpath', 'readlink', 'tree', 'seq', 'sleep', 'wait', 'nproc', 'lsof', 'netstat', 'ss', 'dig',
  'nslookup', 'host', 'ping', 'traceroute', 'base64', 'base32', 'xxd', 'od', 'hexdump', 'strings', 'column', 'nl', 'fold',
  'fmt', 'paste', 'join', 'expand', 'unexpand', 'rev', 'tac', 'zcat', 'bzcat', 'xzcat', 'cd', 'pushd', 'popd', 'dirs', 'export',
  'set', 'unset', 'local', 'declare', 'typeset', 'readonly', 'read', 'shift', ':', 'exit', 'return', 'break', 'continue',
  'hash', 'unalias', 'umask', 'getopts', 'let', 'shopt', 'journalctl', 'lsblk', 'blkid', 'findmnt',
  'who', 'w', 'last', 'lscpu', 'lsmod', 'lspci', 'lsusb', 'vmstat', 'iostat', 'env', 'locale', 'tput', 'clear', 'yes', 'nl',
  'sha224sum', 'sha384sum', 'b2sum', 'getent', 'groups', 'arch', 'tty', 'logname', 'users', 'cal', 'factor', 'expr', 'bc',
]);

/** Subcommand words that, in any CLI we do not know, mean deleting something. */
export const DESTROY_VERBS = new Set(['delete', 'destroy', 'rm', 'remove', 'purge', 'prune', 'uninstall', 'drop', 'wipe', 'erase', 'nuke', 'terminate', 'teardown', 'flush', 'flushall', 'flushdb']);
