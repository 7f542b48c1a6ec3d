import { describe, expect, it } from "vitest";
import { normalisedPoint } from "../src/console/pointer-mapping.js";
import { dtlsFingerprintOf, verificationCode } from "../src/web-client/verification-code.js";
import { Annotation, MAX_POINTS_PER_MESSAGE, MAX_POINTS_PER_STROKE, MAX_STROKES, safeFileName } from "../src/protocol/index.js";
import { AnnotationBoard, STROKE_FADES_MS, STROKE_STAYS_MS } from "../src/web-client/annotation-board.js";

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

describe("file names as they are saved", () => {
  it("keeps only the last part, without control or direction-changing characters, reserved names, hidden dots or endless length", () => {
    const cases: [string, string][] = [
      ["report.pdf", "report.pdf"],
      ["../../.ssh/authorized_keys", "authorized_keys"],
      ["..\\..\\Windows\\System32\\drivers\\etc\\hosts", "hosts"],
      ["invoice\u202Efdp.exe", "invoicefdp.exe"],
      ["bell\u0007\u0000.txt", "bell.txt"],
      ["CON", "_CON"],
      ["nul.txt", "_nul.txt"],
      [".bashrc", "bashrc"],
      ["trailing. . ", "trailing"],
      ['a<b>c:"d|e?f*.txt', "a_b_c__d_e_f_.txt"],
      ["/", "file"],
      ["\u200b", "file"],
      ["数据报告.xlsx", "数据报告.xlsx"],
    ];
    for (const [name, saved] of cases) expect(safeFileName(name), JSON.stringify(name)).toBe(saved);
    const long = safeFileName(`${"x".repeat(500)}.docx`);
    expect([...long].length).toBe(200);
    expect(long.endsWith(".docx")).toBe(true);
  });
});

describe("the annotation board", () => {
  it("draws a stroke that stays, fades and is forgotten; undo and clear; bounded in strokes and points", () => {
    const board = new AnnotationBoard();
    board.apply({ t: "begin", id: 1, shape: "pen", x: 0.1, y: 0.1 }, 0);
    board.apply({ t: "extend", id: 1, points: [[0.2, 0.2]] }, 10);
    board.apply({ t: "end", id: 1 }, 20);
    expect(board.prune(20 + STROKE_STAYS_MS + STROKE_FADES_MS - 1)).toBe(true);
    expect(board.prune(20 + STROKE_STAYS_MS + STROKE_FADES_MS)).toBe(false);

    // A flood of strokes keeps the newest MAX_STROKES; a stroke keeps at most MAX_POINTS_PER_STROKE points.
    for (let id = 0; id < MAX_STROKES + 50; id++) board.apply({ t: "begin", id, shape: "pen", x: 0.5, y: 0.5 }, 0);
    const strokes = (board as unknown as { strokes: { id: number; points: unknown[] }[] }).strokes;
    expect(strokes).toHaveLength(MAX_STROKES);
    expect(strokes[0]!.id).toBe(50);
    const last = MAX_STROKES + 49;
    for (let i = 0; i < MAX_POINTS_PER_STROKE / 32; i++) board.apply({ t: "extend", id: last, points: Array.from({ length: 64 }, () => [0.5, 0.5] as [number, number]) }, 0);
    expect((board as unknown as { strokes: { points: unknown[] }[] }).strokes.at(-1)!.points).toHaveLength(MAX_POINTS_PER_STROKE);
    board.apply({ t: "undo" }, 0);
    expect((board as unknown as { strokes: unknown[] }).strokes).toHaveLength(MAX_STROKES - 1);
    board.apply({ t: "laser", x: 0.5, y: 0.5 }, 0);
    board.apply({ t: "clear" }, 0);
    expect(board.prune(1)).toBe(false);
  });

  it("accepts only annotations: input, oversized batches and points off the screen are not ones", () => {
    for (const bad of [{ t: "move", x: 0.5, y: 0.5 }, { t: "key", code: "KeyA" }, { t: "laser", x: 1.5, y: 0.5 }, { t: "extend", id: 1, points: Array.from({ length: MAX_POINTS_PER_MESSAGE + 1 }, () => [0.1, 0.1]) }, { t: "begin", id: 1, shape: "circle", x: 0, y: 0 }]) {
      expect(Annotation.safeParse(bad).success, JSON.stringify(bad).slice(0, 60)).toBe(false);
    }
  });
});
