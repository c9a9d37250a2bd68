import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
}

export function readMachine(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    // cpus(), not availableParallelism(): the latter shrinks to 1 once this process is pinned.
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
  };
}

/** The 1-minute load average: on a 2-core machine, anything near 2 or above means the numbers are shared. */
export function loadAverage(): number {
  return loadavg()[0];
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match ? match[1].trim() : 'unknown';
  } catch {
    return 'unknown (no /proc/cpuinfo)';
  }
}
