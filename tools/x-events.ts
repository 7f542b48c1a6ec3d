import { type ChildProcess, execFileSync, spawn } from "node:child_process";

/**
 * A window on an X display that reports the pointer motion and key presses
 * it receives, each stamped with when this process read it (xev flushes every
 * event). For measuring input injected by whatever means: what the X server
 * delivered, not what the injector claims.
 */
export interface XEvent {
  type: "MotionNotify" | "KeyPress" | "ButtonPress";
  at: number;
  root: { x: number; y: number };
  keysym?: string;
}

export interface XEventWindow {
  id: string;
  events: XEvent[];
  /** The first event after index `from` that matches, or null after `timeoutMs`. */
  waitFor(match: (e: XEvent) => boolean, from: number, timeoutMs?: number): Promise<XEvent | null>;
  /** Gives the window keyboard focus, as a window manager would on a click. */
  focus(): void;
  stop(): void;
}

export async function openXEventWindow(display: string, geometry: { x: number; y: number; width: number; height: number }): Promise<XEventWindow> {
  const env = { ...process.env, DISPLAY: display };
  const title = `tandem-x-events-${process.pid}-${Date.now()}`;
  const xev: ChildProcess = spawn("xev", ["-geometry", `${geometry.width}x${geometry.height}+${geometry.x}+${geometry.y}`, "-name", title, "-event", "mouse", "-event", "keyboard"], { env, stdio: ["ignore", "pipe", "ignore"] });
  const events: XEvent[] = [];
  const wakers = new Set<() => void>();
  let pending = "";
  let block: string[] = [];
  const flush = () => {
    const head = /^(MotionNotify|KeyPress|ButtonPress) event/.exec(block[0] ?? "");
    const root = /root:\((-?\d+),(-?\d+)\)/.exec(block.join(" "));
    if (head && root) {
      const keysym = /\(keysym 0x[0-9a-f]+, ([^)]+)\)/.exec(block.join(" "))?.[1];
      events.push({ type: head[1] as XEvent["type"], at: Date.now(), root: { x: Number(root[1]), y: Number(root[2]) }, ...(keysym ? { keysym } : {}) });
      for (const wake of wakers) wake();
    }
    block = [];
  };
  xev.stdout!.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      // xev prints a blank line before each event; an event is complete at its last line.
      if (line.trim() === "") flush();
      else block.push(line.trim());
      const isKey = /^Key(Press|Release) event/.test(block[0] ?? "");
      if (isKey ? /^XFilterEvent returns/.test(line.trim()) : /same_screen (YES|NO)/.test(line)) flush();
    }
  });
  let id = "";
  for (let i = 0; i < 50 && !id; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      id = execFileSync("xdotool", ["search", "--name", title], { env, encoding: "utf8" }).trim().split("\n")[0] ?? "";
    } catch {
      /* not mapped yet */
    }
  }
  if (!id) throw new Error("xev's window did not appear");
  return {
    id,
    events,
    waitFor(match, from, timeoutMs = 2000) {
      return new Promise((resolve) => {
        const check = () => {
          const found = events.slice(from).find(match);
          if (!found) return false;
          wakers.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => (wakers.delete(check), resolve(null)), timeoutMs);
        if (!check()) wakers.add(check);
      });
    },
    focus() {
      execFileSync("xdotool", ["windowraise", id], { env });
      execFileSync("xdotool", ["windowfocus", "--sync", id], { env });
    },
    stop: () => void xev.kill(),
  };
}
