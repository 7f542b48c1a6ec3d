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

/** Main's clipboard requests to the agent (as agent-supervisor.ts sends them), over this test process's IPC. */
export function clipboardAgent(agent: AgentProcess): { clipboardWrite(sessionId: string, text: string): Promise<boolean>; clipboardRead(sessionId: string): Promise<string | null> } {
  let nextId = 1_000_000;
  const ask = async (request: { type: "clipboard_write"; sessionId: string; text: string } | { type: "clipboard_read"; sessionId: string }) => {
    const id = nextId++;
    agent.send({ ...request, id });
    return (await agent.next((m) => m.type === "clipboard" && m.id === id, 5_000)) as Extract<FromAgent, { type: "clipboard" }>;
  };
  return {
    clipboardWrite: async (sessionId, text) => (await ask({ type: "clipboard_write", sessionId, text })).ok,
    clipboardRead: async (sessionId) => {
      const answer = await ask({ type: "clipboard_read", sessionId });
      return answer.ok ? (answer.text ?? "") : null;
    },
  };
}
