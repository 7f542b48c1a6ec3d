import { type ChildProcess, fork } from "node:child_process";
import { FromAgent, type ToAgent } from "../src/protocol/index.js";

/** The input agent as a plain Node child (as main runs it in a utilityProcess), for tests and benchmarks. */
export interface AgentProcess {
  child: ChildProcess;
  ready: Extract<FromAgent, { type: "ready" }>;
  send(message: ToAgent): void;
  /** The next message from the agent matching `match`. */
  next(match: (m: FromAgent) => boolean, timeoutMs?: number): Promise<FromAgent>;
  stop(): Promise<void>;
}

export async function startAgent(display: string): Promise<AgentProcess> {
  const child = fork("native/agent.ts", [], { execArgv: ["--import", "tsx"], env: { ...process.env, DISPLAY: display }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const inbox: FromAgent[] = [];
  const waiters = new Set<{ match: (m: FromAgent) => boolean; resolve: (m: FromAgent) => void }>();
  child.on("message", (raw) => {
    const message = FromAgent.parse(raw);
    for (const w of waiters) {
      if (w.match(message)) {
        waiters.delete(w);
        w.resolve(message);
        return;
      }
    }
    inbox.push(message);
  });
  const next = (match: (m: FromAgent) => boolean, timeoutMs = 10_000) =>
    new Promise<FromAgent>((resolve, reject) => {
      const i = inbox.findIndex(match);
      if (i >= 0) return resolve(inbox.splice(i, 1)[0]!);
      const timer = setTimeout(() => (waiters.delete(waiter), reject(new Error("the agent did not answer"))), timeoutMs);
      const waiter = { match, resolve: (m: FromAgent) => (clearTimeout(timer), resolve(m)) };
      waiters.add(waiter);
    });
  const ready = (await next((m) => m.type === "ready", 20_000)) as Extract<FromAgent, { type: "ready" }>;
  return {
    child,
    ready,
    send: (message) => child.send(message),
    next,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
