import fs from "node:fs";

/**
 * CPU time (user + system, seconds) used so far by some processes and all their
 * descendants, from /proc. For "CPU seconds of the sharer side per second of
 * session": read before and after a window, with the same roots.
 */
export function cpuSeconds(roots: number[]): number {
  const ticks = 100; // USER_HZ on Linux
  const parent = new Map<number, number>();
  const used = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    // Fields after the command name, which is in parentheses and may hold spaces.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    parent.set(Number(name), Number(rest[1]));
    used.set(Number(name), (Number(rest[11]) + Number(rest[12])) / ticks);
  }
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) {
      if (tree.has(pid) || !tree.has(ppid)) continue;
      tree.add(pid);
      grew = true;
    }
  }
  let total = 0;
  for (const pid of tree) total += used.get(pid) ?? 0;
  return total;
}

