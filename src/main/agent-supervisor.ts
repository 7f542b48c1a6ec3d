import { FromAgent, type PermissionReport, type ToAgent } from "../protocol/index.js";

/** The part of Electron's UtilityProcess main uses for the agent. */
export interface AgentChild {
  postMessage(message: unknown): void;
  on(event: "message", listener: (raw: unknown) => void): unknown;
  once(event: "exit", listener: () => void): unknown;
  kill(): unknown;
}

/**
 * The input agent in its own process. One that dies is started again, and
 * `restarted` runs (main closes the gate: control needs the sharer's Allow
 * again); once stopped (quitting, relaunching) it stays down.
 */
export function superviseAgent(fork: () => AgentChild, restarted: () => void) {
  let stopped = false;
  let permissionWaiter: ((report: PermissionReport) => void) | null = null;
  const clipboardWaiters = new Map<number, (answer: { ok: boolean; text?: string }) => void>();
  let nextClipboardId = 1;
  const start = (): AgentChild => {
    const child = fork();
    child.on("message", (raw: unknown) => {
      const message = FromAgent.safeParse(raw);
      if (message.success && message.data.type === "permissions") permissionWaiter?.(message.data.report);
      if (message.success && message.data.type === "clipboard") clipboardWaiters.get(message.data.id)?.(message.data);
    });
    child.once("exit", () => {
      if (stopped) return;
      console.warn("the input agent stopped; starting it again");
      agent = start();
      restarted();
    });
    return child;
  };
  let agent = start();
  function clipboard(request: { type: "clipboard_write"; sessionId: string; text: string } | { type: "clipboard_read"; sessionId: string }): Promise<{ ok: boolean; text?: string }> {
    const id = nextClipboardId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ ok: false }), 5_000);
      const done = (answer: { ok: boolean; text?: string }) => (clearTimeout(timer), clipboardWaiters.delete(id), resolve(answer));
      clipboardWaiters.set(id, done);
      agent.postMessage({ ...request, id } satisfies ToAgent);
    });
  }
  return {
    send: (message: ToAgent) => agent.postMessage(message),
    /** Accessibility and Screen Recording as the agent's probe finds them. */
    probePermissions: () =>
      new Promise<PermissionReport>((resolve) => {
        permissionWaiter = resolve;
        agent.postMessage({ type: "probe_permissions" } satisfies ToAgent);
      }),
    /** Text onto the OS clipboard; false when the agent could not (or did not answer within 5 s). */
    clipboardWrite: async (sessionId: string, text: string) => (await clipboard({ type: "clipboard_write", sessionId, text })).ok,
    /** The OS clipboard's text, or null. */
    clipboardRead: async (sessionId: string) => {
      const answer = await clipboard({ type: "clipboard_read", sessionId });
      return answer.ok ? (answer.text ?? "") : null;
    },
    stop() {
      stopped = true;
      agent.kill();
    },
  };
}
