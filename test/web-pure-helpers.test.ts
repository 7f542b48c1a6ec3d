import { describe, expect, it } from "vitest";
import { normalisedPoint } from "../src/console/pointer-mapping.js";
import { dtlsFingerprintOf, verificationCode } from "../src/web-client/verification-code.js";

const sdp = (fp: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${fp}\r\na=setup:actpass\r\n`;
const A = "AB:".repeat(31) + "AB";
const B = "CD:".repeat(31) + "CD";

describe("verification code", () => {
  it("is the same on both sides (local and remote swapped) and six digits", async () => {
    const helper = await verificationCode(sdp(A), sdp(B));
    const sharer = await verificationCode(sdp(B), sdp(A));
    expect(helper).toMatch(/^\d{3} \d{3}$/);
    expect(sharer).toBe(helper);
  });

  it("changes when either fingerprint changes, and is absent without one", async () => {
    const real = await verificationCode(sdp(A), sdp(B));
    expect(await verificationCode(sdp(A), sdp(B.replace(/^CD/, "CE")))).not.toBe(real);
    expect(await verificationCode(sdp(A), "v=0\r\n")).toBeNull();
    expect(dtlsFingerprintOf(sdp(A.toLowerCase()))).toBe(`sha-256 ${A}`);
  });
});

describe("pointer mapping over a letterboxed video", () => {
  const box = { left: 100, top: 50, width: 1000, height: 1000 }; // a square box showing 1920x1080: bars above and below
  it("maps the picture's corners to 0 and 1 and the bars to nothing", () => {
    const shownH = 1000 * (1080 / 1920);
    const top = 50 + (1000 - shownH) / 2;
    expect(normalisedPoint(100, top, box, 1920, 1080)).toEqual({ x: 0, y: 0 });
    expect(normalisedPoint(1100, top + shownH, box, 1920, 1080)).toEqual({ x: 1, y: 1 });
    expect(normalisedPoint(600, top + shownH / 2, box, 1920, 1080)).toEqual({ x: 0.5, y: 0.5 });
    expect(normalisedPoint(600, 60, box, 1920, 1080)).toBeNull();
    expect(normalisedPoint(600, 600, box, 0, 0)).toBeNull();
  });
});
