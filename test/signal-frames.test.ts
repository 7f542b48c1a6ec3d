import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClientMessage, MAX_ICE_CHARS, MAX_SDP_CHARS } from "../src/protocol/index.js";
import { parseFrame } from "../src/server/ws/frames.js";
import { acceptSignal } from "../src/server/ws/signal-frames.js";

const sessionId = "0b9d6f9e-3c6a-4f5e-9a3b-2f1d0c7e8a91";
const browserCandidate = { candidate: "candidate:842163049 1 udp 1677729535 10.0.0.2 50000 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sK1e network-cost 999", sdpMid: "0", sdpMLineIndex: 0, usernameFragment: "sK1e" };

/** The hand check may only accept what the schema accepts, and then return exactly what the schema returns (same keys, same order). */
function expectNoLooserThanSchema(input: unknown): boolean {
  const fast = acceptSignal(input);
  const schema = ClientMessage.safeParse(input);
  if (fast === undefined) return false;
  expect(schema.success, `accepted what the schema refuses: ${JSON.stringify(input)}`).toBe(true);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.data));
  expect(fast).toStrictEqual(schema.data);
  return true;
}

describe("signaling messages checked by hand (the relay's hot path)", () => {
  it("accepts what browsers send, as the schema returns it", () => {
    const valid = [
      { type: "signal.ice", sessionId, candidate: browserCandidate },
      { type: "signal.ice", reqId: "r1", sessionId, candidate: { candidate: "" } },
      { type: "signal.ice", sessionId, candidate: null },
      { type: "signal.ice", sessionId, candidate: { candidate: "c", sdpMid: null, sdpMLineIndex: null, usernameFragment: null } },
      { type: "signal.offer", sessionId, sdp: "v=0\r\n" },
      { type: "signal.answer", reqId: "x".repeat(64), sessionId: sessionId.toUpperCase(), sdp: "s".repeat(MAX_SDP_CHARS) },
      { type: "signal.ice", sessionId: "00000000-0000-0000-0000-000000000000", candidate: { candidate: "c".repeat(MAX_ICE_CHARS), sdpMLineIndex: 64 } },
    ];
    for (const message of valid) {
      expect(acceptSignal(message), JSON.stringify(message)).toBeDefined();
      expectNoLooserThanSchema(message);
    }
  });

  it("strips what the schema strips: unknown keys never reach the other party", () => {
    const message = { type: "signal.ice", sessionId, from: "helper", admin: true, candidate: { ...browserCandidate, evil: "<script>", __proto__: { polluted: 1 } } };
    const accepted = acceptSignal(JSON.parse(JSON.stringify(message)));
    expect(accepted).toEqual({ type: "signal.ice", sessionId, candidate: browserCandidate });
    expectNoLooserThanSchema(JSON.parse(JSON.stringify(message)));
  });

  it("leaves every malformed one to the schema, which refuses it with its own words", () => {
    const malformed: [unknown, string][] = [
      [{ type: "signal.ice", sessionId: "0b9d6f9e-3c6a-0f5e-9a3b-2f1d0c7e8a91", candidate: null }, "sessionId"], // version 0
      [{ type: "signal.ice", sessionId: "0b9d6f9e-3c6a-4f5e-7a3b-2f1d0c7e8a91", candidate: null }, "sessionId"], // wrong variant
      [{ type: "signal.ice", sessionId: `${sessionId}\n`, candidate: null }, "sessionId"],
      [{ type: "signal.ice", sessionId }, "candidate"],
      [{ type: "signal.ice", sessionId, candidate: [] }, "candidate"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: "c".repeat(MAX_ICE_CHARS + 1) } }, "candidate.candidate"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: 5 } }, "candidate.candidate"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: "c", sdpMLineIndex: 65 } }, "candidate.sdpMLineIndex"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: "c", sdpMLineIndex: 1.5 } }, "candidate.sdpMLineIndex"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: "c", sdpMLineIndex: "0" } }, "candidate.sdpMLineIndex"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: "c", sdpMid: "m".repeat(65) } }, "candidate.sdpMid"],
      [{ type: "signal.ice", sessionId, candidate: { candidate: "c", usernameFragment: "u".repeat(257) } }, "candidate.usernameFragment"],
      [{ type: "signal.offer", sessionId, sdp: "" }, "sdp"],
      [{ type: "signal.offer", sessionId, sdp: "s".repeat(MAX_SDP_CHARS + 1) }, "sdp"],
      [{ type: "signal.answer", sessionId, sdp: ["v=0"] }, "sdp"],
      [{ type: "signal.answer", reqId: "", sessionId, sdp: "v=0" }, "reqId"],
      [{ type: "signal.answer", reqId: "r".repeat(65), sessionId, sdp: "v=0" }, "reqId"],
    ];
    for (const [message, where] of malformed) {
      expect(acceptSignal(message), JSON.stringify(message)).toBeUndefined();
      expect(() => parseFrame(Buffer.from(JSON.stringify(message)), false)).toThrow(`at ${where}`);
    }
    // Infinity only arrives as a number too large for JSON's doubles.
    expect(() => parseFrame(Buffer.from(`{"type":"signal.ice","sessionId":"${sessionId}","candidate":{"candidate":"c","sdpMLineIndex":1e400}}`), false)).toThrow("at candidate.sdpMLineIndex");
    expect(acceptSignal({ type: "chat.send", sessionId, clientMsgId: "c", text: "hi" })).toBeUndefined(); // not a signal: the schema's
  });

  it("never accepts what the schema refuses, nor returns anything else, on thousands of generated messages", () => {
    const oneOf = <T>(...values: T[]) => fc.constantFrom(...values);
    const text = (max: number) => fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: max - 1, max: max + 1 }).map((n) => "a".repeat(n)));
    const anything = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 4 }), fc.constant([]), fc.constant({}));
    const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(fc.oneof(value, anything), { nil: undefined });
    const uuid = fc.oneof(fc.uuid(), oneOf(sessionId, sessionId.toUpperCase(), "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", `${sessionId}x`, sessionId.slice(1)), fc.string({ maxLength: 40 }));
    const candidate = fc.record(
      { candidate: maybe(text(MAX_ICE_CHARS)), sdpMid: maybe(fc.oneof(fc.constant(null), text(64))), sdpMLineIndex: maybe(fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 66 }), fc.double({ min: -1, max: 70 }))), usernameFragment: maybe(fc.oneof(fc.constant(null), text(256))), extra: maybe(fc.string()) },
      { requiredKeys: [] },
    );
    const message = fc.record(
      { type: oneOf<unknown>("signal.ice", "signal.offer", "signal.answer", "chat.send", "heartbeat", 7), reqId: maybe(text(64)), sessionId: maybe(uuid), candidate: maybe(fc.oneof(fc.constant(null), candidate)), sdp: maybe(text(MAX_SDP_CHARS)), from: maybe(oneOf("helper", "sharer")) },
      { requiredKeys: ["type"] },
    );
    // Through JSON, as frames arrive: no undefined values, no prototypes but Object's.
    let accepted = 0;
    fc.assert(
      fc.property(message, (m) => {
        if (expectNoLooserThanSchema(JSON.parse(JSON.stringify(m)))) accepted++;
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(20); // the generator does reach well-formed signals, at the limits too

  });
});
