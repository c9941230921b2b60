import { readFileSync } from 'node:fs';

/**
 * CPU and memory of a process (the worker) from Linux's /proc: utime + stime of /proc/<pid>/stat in
 * clock ticks, VmRSS of /proc/<pid>/status. A sampler records the peak resident set during a run.
 */
export interface ProcessUsage {
  cpuSeconds: number;
  rssBytes: number;
}

// USER_HZ: 100 on every Linux Node supports (sysconf(_SC_CLK_TCK) is not reachable from Node).
const TICKS_PER_SECOND = 100;

export function readUsage(pid: number): ProcessUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count the fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return { cpuSeconds: ticks / TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

export interface UsageSampler {
  /** CPU seconds used since start, and the peak RSS seen. */
  stop(): { cpuSeconds: number; peakRssBytes: number };
}

export function sampleUsage(pid: number, everyMs = 250): UsageSampler {
  const first = readUsage(pid);
  let peak = first?.rssBytes ?? 0;
  const timer = setInterval(() => {
    const now = readUsage(pid);
    if (now && now.rssBytes > peak) peak = now.rssBytes;
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const last = readUsage(pid);
      if (last && last.rssBytes > peak) peak = last.rssBytes;
      return { cpuSeconds: (last?.cpuSeconds ?? 0) - (first?.cpuSeconds ?? 0), peakRssBytes: peak };
    },
  };
}
