/** Whether a process still runs on this machine: the one check behind pid files, locks and leftovers. */
import fs from 'node:fs';

const hasProc = fs.existsSync('/proc/self/stat');

/** True while the process exists and is not a zombie (an exited child nobody reaped yet, e.g. under a non-reaping PID 1). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!hasProc) return true; // macOS and others: trust kill(0)
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return false;
  }
}
