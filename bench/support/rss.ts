import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, 3).join(' ').slice(0, 60);
  } catch {
    return '?';
  }
}

function rssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Resident memory of a process and its descendants (Linux /proc): `npm run worker` is tsx, which runs the worker in
 * a child node process.
 */
export function processTreeRss(root: number): { bytes: number; parts: string } {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const tree = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const pid of pids) {
      const parent = parentOf(pid);
      if (!tree.has(pid) && parent !== undefined && tree.has(parent)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const members = [...tree].map((pid) => ({ pid, bytes: rssBytes(pid), name: commandOf(pid) }));
  return {
    bytes: members.reduce((sum, m) => sum + m.bytes, 0),
    parts: members.map((m) => `${m.name} ${m.pid}: ${Math.round(m.bytes / 2 ** 20)} MiB`).join(', '),
  };
}
