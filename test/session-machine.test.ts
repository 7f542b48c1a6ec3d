import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Actor,
  canChat,
  canRelaySignal,
  EndReason,
  initialSessionState,
  isTransitionError,
  type SessionEvent,
  type SessionState,
  transition,
} from "../src/protocol/index.js";

const s = (patch: Partial<SessionState>): SessionState => ({ ...initialSessionState, ...patch });
const created = s({});
const joined = s({ status: "joined" });
const requestedView = s({ status: "requested", requestedLevel: "view" });
const activeView = s({ status: "active", level: "view" });
const activeControl = s({ status: "active", level: "control" });
const raising = s({ status: "requested", level: "view", requestedLevel: "control" });
const ended = s({ status: "ended", endReason: "helper_ended" });

describe("session state machine: legal transitions", () => {
  const legal: [string, SessionState, SessionEvent, SessionState][] = [
    ["sharer redeems the code", created, { type: "redeem", by: "sharer" }, joined],
    ["the code expires", created, { type: "expire", by: "system" }, s({ status: "ended", endReason: "code_expired" })],
    ["helper requests view", joined, { type: "request", by: "helper", level: "view" }, requestedView],
    ["helper requests control", joined, { type: "request", by: "helper", level: "control" }, s({ status: "requested", requestedLevel: "control" })],
    ["sharer allows", requestedView, { type: "allow", by: "sharer" }, activeView],
    ["sharer declines the first request", requestedView, { type: "deny", by: "sharer" }, s({ status: "ended", endReason: "sharer_declined" })],
    ["helper asks to raise view to control", activeView, { type: "request", by: "helper", level: "control" }, raising],
    ["sharer allows the raise", raising, { type: "allow", by: "sharer" }, activeControl],
    ["sharer declines the raise and keeps view", raising, { type: "deny", by: "sharer" }, activeView],
    ["sharer drops control to view", activeControl, { type: "downgrade", by: "sharer" }, activeView],
    ["sharer pauses", activeView, { type: "pause", by: "sharer", paused: true }, s({ status: "active", level: "view", paused: true })],
    ["helper ends a created session: the code is cancelled", created, { type: "end", by: "helper", reason: "helper_ended" }, s({ status: "ended", endReason: "code_cancelled" })],
    ["sharer ends while asked", requestedView, { type: "end", by: "sharer", reason: "sharer_ended" }, s({ status: "ended", endReason: "sharer_ended" })],
    ["sharer vanishes past grace", activeControl, { type: "end", by: "system", reason: "sharer_disconnected" }, s({ status: "ended", level: "control", endReason: "sharer_disconnected" })],
    ["policy revokes", activeView, { type: "end", by: "system", reason: "revoked" }, s({ status: "ended", level: "view", endReason: "revoked" })],
  ];
  it.each(legal)("%s", (_name, from, event, to) => {
    expect(transition(from, event)).toEqual(to);
  });
});

describe("session state machine: illegal transitions", () => {
  const illegal: [string, SessionState, SessionEvent, "invalid_transition" | "forbidden"][] = [
    ["redeem twice", joined, { type: "redeem", by: "sharer" }, "invalid_transition"],
    ["helper redeems", created, { type: "redeem", by: "helper" }, "forbidden"],
    ["request before the sharer joined", created, { type: "request", by: "helper", level: "view" }, "invalid_transition"],
    ["sharer requests a level", joined, { type: "request", by: "sharer", level: "control" }, "forbidden"],
    ["helper consents for the sharer", requestedView, { type: "allow", by: "helper" }, "forbidden"],
    ["allow with nothing asked", activeView, { type: "allow", by: "sharer" }, "invalid_transition"],
    ["deny with nothing asked", joined, { type: "deny", by: "sharer" }, "invalid_transition"],
    ["request while already asking", requestedView, { type: "request", by: "helper", level: "control" }, "invalid_transition"],
    ["request the level already held", activeControl, { type: "request", by: "helper", level: "control" }, "invalid_transition"],
    ["request a lower level", activeControl, { type: "request", by: "helper", level: "view" }, "invalid_transition"],
    ["helper downgrades", activeControl, { type: "downgrade", by: "helper" }, "forbidden"],
    ["downgrade view", activeView, { type: "downgrade", by: "sharer" }, "invalid_transition"],
    ["pause before active", joined, { type: "pause", by: "sharer", paused: true }, "invalid_transition"],
    ["expire after redeem", joined, { type: "expire", by: "system" }, "invalid_transition"],
    ["helper expires the code", created, { type: "expire", by: "helper" }, "forbidden"],
    ["helper ends as the sharer", activeView, { type: "end", by: "helper", reason: "sharer_ended" }, "forbidden"],
    ["sharer claims a disconnect", activeView, { type: "end", by: "sharer", reason: "helper_disconnected" }, "forbidden"],
    ["anything after the end", ended, { type: "request", by: "helper", level: "view" }, "invalid_transition"],
    ["end twice", ended, { type: "end", by: "helper", reason: "helper_ended" }, "invalid_transition"],
  ];
  it.each(illegal)("%s", (_name, from, event, error) => {
    const result = transition(from, event);
    expect(isTransitionError(result) && result.error).toBe(error);
  });
});

const actor = fc.constantFrom<Actor>("helper", "sharer", "system");
const level = fc.constantFrom("view" as const, "control" as const);
const event: fc.Arbitrary<SessionEvent> = fc.oneof(
  actor.map((by) => ({ type: "redeem" as const, by })),
  actor.map((by) => ({ type: "expire" as const, by })),
  fc.record({ type: fc.constant("request" as const), by: actor, level }),
  actor.map((by) => ({ type: "allow" as const, by })),
  actor.map((by) => ({ type: "deny" as const, by })),
  actor.map((by) => ({ type: "downgrade" as const, by })),
  fc.record({ type: fc.constant("pause" as const), by: actor, paused: fc.boolean() }),
  fc.record({ type: fc.constant("end" as const), by: actor, reason: fc.constantFrom(...EndReason.options) }),
);

/** Runs events from the initial state, skipping refused ones; yields every state passed. */
function run(events: SessionEvent[]) {
  const trace: { from: SessionState; event: SessionEvent; to: SessionState | null }[] = [];
  let state = initialSessionState;
  for (const e of events) {
    const next = transition(state, e);
    trace.push({ from: state, event: e, to: isTransitionError(next) ? null : next });
    if (!isTransitionError(next)) state = next;
  }
  return trace;
}

describe("session state machine: properties over random event sequences", () => {
  it("never grants a level the sharer did not allow", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        for (const step of run(events)) {
          if (!step.to) continue;
          const raised = step.to.level !== null && step.to.level !== step.from.level && !(step.from.level === "control" && step.to.level === "view");
          if (raised) expect(step.event).toEqual({ type: "allow", by: "sharer" });
        }
      }),
    );
  });

  it("keeps ended sessions ended, and every end carries a reason", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        for (const step of run(events)) {
          if (step.from.status === "ended") expect(step.to).toBeNull();
          if (step.to?.status === "ended") expect(EndReason.options).toContain(step.to.endReason);
          if (step.to && step.to.status !== "ended") expect(step.to.endReason).toBeNull();
        }
      }),
    );
  });

  it("refuses every event from an actor the rule does not name, and never throws", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        for (const step of run(events)) {
          const own: Record<string, Actor> = { redeem: "sharer", expire: "system", request: "helper", allow: "sharer", deny: "sharer", downgrade: "sharer", pause: "sharer" };
          if (step.event.type !== "end" && own[step.event.type] !== step.event.by) expect(step.to).toBeNull();
        }
      }),
    );
  });

  it("opens signaling only while asked or active, and chat only with both parties present", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        for (const { to } of run(events)) {
          if (!to) continue;
          expect(canRelaySignal(to)).toBe(to.status === "requested" || to.status === "active");
          expect(canChat(to)).toBe(["joined", "requested", "active"].includes(to.status));
        }
      }),
    );
  });
});
