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

/** A process and its descendants (Linux /proc). */
function processTree(root: number): number[] {
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
  return [...tree];
}

/**
 * Resident memory of a process and its descendants (Linux /proc): `npm run worker` is tsx, which runs the worker in
 * a child node process.
 */
export function processTreeRss(root: number): { bytes: number; parts: string } {
  const members = processTree(root).map((pid) => ({ pid, bytes: rssBytes(pid), name: commandOf(pid) }));
  return {
    bytes: members.reduce((sum, m) => sum + m.bytes, 0),
    parts: members.map((m) => `${m.name} ${m.pid}: ${Math.round(m.bytes / 2 ** 20)} MiB`).join(', '),
  };
}

/** CPU time (user + system, ms) a process and its living descendants have used so far. */
export function processTreeCpuMs(root: number): number {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  return processTree(root).reduce((sum, pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
      return sum + (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
    } catch {
      return sum;
    }
  }, 0);
}

/** The first process whose command line contains every one of `parts` (e.g. the dev server on a port). */
export function findProcess(...parts: string[]): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((p) => cmdline.includes(p))) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
