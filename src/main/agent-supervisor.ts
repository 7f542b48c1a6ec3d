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
  const start = (): AgentChild => {
    const child = fork();
    child.on("message", (raw: unknown) => {
      const message = FromAgent.safeParse(raw);
      if (message.success && message.data.type === "permissions") permissionWaiter?.(message.data.report);
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
  return {
    send: (message: ToAgent) => agent.postMessage(message),
    /** Accessibility and Screen Recording as the agent's probe finds them. */
    probePermissions: () =>
      new Promise<PermissionReport>((resolve) => {
        permissionWaiter = resolve;
        agent.postMessage({ type: "probe_permissions" } satisfies ToAgent);
      }),
    stop() {
      stopped = true;
      agent.kill();
    },
  };
}
