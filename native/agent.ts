import { FromAgent, ToAgent } from "../src/protocol/index.js";
import { admit, type Grant, narrows } from "./grant-gate.js";
import { createNutInjector } from "./injector.js";
import { probePermissions, WAYLAND_UNSUPPORTED, waylandSession } from "./permissions.js";
import type { KeyBackend } from "./key-backend.js";
import { nutKeys } from "./key-codes.js";
import { connectX11Keys } from "./x11-keys.js";
import { readClipboard, writeClipboard } from "./clipboard.js";

/**
 * The input agent process: Electron's utilityProcess in the app (messages on
 * process.parentPort), a plain Node child in tests and benchmarks (IPC on
 * process.send). Every message from main is parsed; input is injected only
 * under a live control grant the sharer has not paused, in arrival order.
 */
type Port = { send(message: FromAgent): void; onMessage(handler: (raw: unknown) => void): void };

function port(): Port {
  const parentPort = (process as unknown as { parentPort?: { postMessage(m: unknown): void; on(e: "message", h: (e: { data: unknown }) => void): void } }).parentPort;
  if (parentPort) return { send: (m) => parentPort.postMessage(m), onMessage: (h) => parentPort.on("message", (e) => h(e.data)) };
  if (!process.send) throw new Error("the agent runs as a child process with an IPC channel");
  return { send: (m) => process.send!(m), onMessage: (h) => process.on("message", h) };
}

const out = port();
// On X11 keys go by physical keycode through XTest (x11-keys.ts); nut-js presses them elsewhere.
let keys: KeyBackend = nutKeys;
const x11Keys = process.platform === "linux" && !waylandSession(process.env) ? connectX11Keys().then((k) => void (k && (keys = k))) : Promise.resolve();
const injector = createNutInjector(() => keys);
let grant: Grant = null;
let queue = Promise.resolve();

function handle(raw: unknown): Promise<void> {
  const parsed = ToAgent.safeParse(raw);
  if (!parsed.success) {
    out.send({ type: "dropped", reason: "bad_message" });
    return Promise.resolve();
  }
  const message = parsed.data;
  switch (message.type) {
    case "grant": {
      const before = grant;
      grant = { sessionId: message.sessionId, level: message.level, paused: message.paused };
      return narrows(before, grant) ? injector.releaseAll() : Promise.resolve();
    }
    case "revoke":
      grant = null;
      return injector.releaseAll();
    case "display":
      injector.setDisplay(message.bounds);
      return Promise.resolve();
    case "clipboard_write":
    case "clipboard_read": {
      // The clipboard is not input: any level of a live grant of this session, not paused.
      if (!grant || grant.sessionId !== message.sessionId || grant.level === null || grant.paused) {
        out.send({ type: "clipboard", id: message.id, ok: false });
        return Promise.resolve();
      }
      const done = message.type === "clipboard_write" ? writeClipboard(message.text).then(() => ({})) : readClipboard().then((text) => ({ text }));
      return done.then((answer) => out.send({ type: "clipboard", id: message.id, ok: true, ...answer }), () => out.send({ type: "clipboard", id: message.id, ok: false }));
    }
    case "probe_permissions":
      return probePermissions({ platform: process.platform, env: process.env }).then((report) => out.send({ type: "permissions", report }));
    case "input": {
      const refused = admit(grant, message.sessionId);
      if (refused) {
        out.send({ type: "dropped", id: message.id, reason: refused });
        return Promise.resolve();
      }
      return injector.inject(message.event).then((done) => out.send(done ? { type: "injected", id: message.id } : { type: "dropped", id: message.id, reason: "unknown_key" }));
    }
  }
}

out.onMessage((raw) => {
  queue = queue.then(() => handle(raw)).catch((error: unknown) => console.error("agent: injection failed", error));
});

const unsupported = process.platform === "linux" && waylandSession(process.env) ? WAYLAND_UNSUPPORTED : null;
// No top-level await: the app bundles the agent as CommonJS for utilityProcess.
void Promise.all([injector.display().catch(() => ({ x: 0, y: 0, width: 1, height: 1 })), x11Keys])
  .then(([display]) => out.send({ type: "ready", platform: process.platform, display, injection: unsupported ? "unsupported" : "available", ...(unsupported ? { reason: unsupported } : {}) }));
