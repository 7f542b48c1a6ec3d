import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createInputRelay } from "../src/main/input-relay.js";
import type { SessionView, ToAgent } from "../src/protocol/index.js";

/** Main's input gate, without Electron: what reaches the agent for each state the renderer reports. */
const id = randomUUID();
const view = (patch: Partial<SessionView>): SessionView => ({ sessionId: id, status: "active", level: "control", requestedLevel: null, paused: false, endReason: null, tools: [], toolsOff: [], ...patch });
const move = { t: "move", x: 0.5, y: 0.5 };

function relay() {
  const sent: ToAgent[] = [];
  return { sent, r: createInputRelay({ send: (m) => sent.push(m) }) };
}

describe("main's input relay", () => {
  it("forwards input only under an active, unpaused control grant for that session", () => {
    const { sent, r } = relay();
    expect(r.input(id, move)).toBe(false); // no session yet
    r.sessionChanged(view({ level: "view" }));
    expect(r.input(id, move)).toBe(false);
    r.sessionChanged(view({ paused: true }));
    expect(r.input(id, move)).toBe(false);
    r.sessionChanged(view({ status: "requested", requestedLevel: "control", level: "view" }));
    expect(r.input(id, move)).toBe(false);
    r.sessionChanged(view({}));
    expect(r.input(id, move)).toBe(false); // the page says control; the sharer has not clicked Allow in main's prompt
    r.consented({ sessionId: id, level: "control" });
    expect(r.input(randomUUID(), move)).toBe(false);
    expect(r.input(id, move)).toBe(true);
    expect(r.input(id, { t: "select_display", id: "2" })).toBe(false); // not input: the page asks main for the display itself
    expect(sent.filter((m) => m.type === "input")).toEqual([{ type: "input", sessionId: id, event: move }]);
    expect(sent.at(-2)).toEqual({ type: "grant", sessionId: id, level: "control", paused: false });
  });

  it("parses what the renderer sends: malformed input, bad views and foreign fields go nowhere", () => {
    const { sent, r } = relay();
    r.consented({ sessionId: id, level: "control" });
    r.sessionChanged(view({}));
    expect(r.input(id, { t: "move", x: 2, y: 0 })).toBe(false);
    expect(r.input(id, { t: "key", code: "KeyA; rm -rf", down: true, repeat: false, mods: { shift: false, ctrl: false, alt: false, meta: false } })).toBe(false);
    expect(r.input(id, "move")).toBe(false);
    expect(() => r.sessionChanged({ sessionId: "x", status: "active" })).toThrow();
    expect(sent.filter((m) => m.type === "input")).toHaveLength(0);
  });

  it("revokes at the agent when control ends, pauses, the session ends, or the hotkey is pressed", () => {
    for (const [next, label] of [[view({ level: "view" }), "downgrade"], [view({ paused: true }), "pause"], [view({ status: "ended", endReason: "sharer_ended" }), "end"], [null, "gone"]] as const) {
      const { sent, r } = relay();
      r.consented({ sessionId: id, level: "control" });
      r.sessionChanged(view({}));
      r.sessionChanged(next);
      expect(sent.at(-1), label).toEqual({ type: "revoke" });
      expect(r.input(id, move), label).toBe(false);
    }
    const { sent, r } = relay();
    r.consented({ sessionId: id, level: "control" });
    r.sessionChanged(view({}));
    r.revoke();
    expect(sent.at(-1)).toEqual({ type: "revoke" });
    expect(r.input(id, move)).toBe(false);
  });
});
