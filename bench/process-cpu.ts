/**
 * CPU time of processes on Linux, from /proc (bench/README.md, "The server"): to say where a
 * benchmark's CPU goes when the clients, the server and PostgreSQL share one machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ProcStat {
  readonly ppid: number;
  /** utime + stime, in ms. */
  readonly own: number;
  /** cutime + cstime of reaped children, in ms. */
  readonly reaped: number;
}

function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone
  }
  // The command name (field 2) may hold spaces: the fields after it follow its closing ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return { ppid: at(4), own: ms(at(14) + at(15)), reaped: ms(at(16) + at(17)) };
}

/**
 * CPU ms used so far by `root` and its children, live or reaped (PostgreSQL: the postmaster and
 * its backends). Linux only; NaN elsewhere.
 */
export function treeCpuMs(root: number): number {
  const top = procStat(root);
  if (!top) return Number.NaN;
  let total = top.own + top.reaped;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === root) continue;
    const stat = procStat(pid);
    if (stat?.ppid === root) total += stat.own + stat.reaped;
  }
  return total;
}

/** CPU ms used so far by this process. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
