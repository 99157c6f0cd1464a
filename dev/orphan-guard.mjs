// Kills the servers of a parent that died without stopping them (SIGKILL, crash, closed terminal).
// The parent writes `+<pid>` / `-<pid>` lines on our stdin; when the parent is gone, stdin ends and we stop
// whatever is still listed: SIGTERM first, SIGKILL for what is still alive 5 s later.
const pids = new Set();
let buffered = '';

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffered += chunk;
  const lines = buffered.split('\n');
  buffered = lines.pop() ?? '';
  for (const line of lines) {
    const pid = Number(line.slice(1));
    if (line.startsWith('+')) pids.add(pid);
    else if (line.startsWith('-')) pids.delete(pid);
  }
});

function signal(name) {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      pids.delete(pid); // already gone
    }
  }
}

process.stdin.on('end', () => {
  if (pids.size === 0) process.exit(0);
  signal('SIGTERM');
  setTimeout(() => {
    signal('SIGKILL');
    process.exit(0);
  }, 5000);
});
// Ctrl-C reaches the whole foreground group; the guard must outlive its parent to do its job.
process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
