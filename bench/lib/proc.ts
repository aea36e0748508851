import { readFileSync } from "node:fs";

/**
 * CPU seconds a process (all its threads) has used: a figure that, unlike a rate, holds up
 * when other work shares the machine. Linux only; null elsewhere.
 */
export function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ ticks
  } catch {
    return null;
  }
}
