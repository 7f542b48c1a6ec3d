import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createCheckpointReader } from "../src/server/audit/audit-checkpoints.js";
import { TEST_AUDIT_KEYS } from "./support/audit-keys.js";

/** The checkpoint file only grows: a reader reads what was appended since its last read, whole lines only. */
describe("reading signed audit checkpoints", () => {
  const line = (tenantId: string, seq: number, at = 1) => {
    const signed = JSON.stringify([tenantId, seq, `h${seq}`, at]);
    return `${JSON.stringify({ tenantId, seq, hash: `h${seq}`, at, sig: TEST_AUDIT_KEYS.signCheckpoint(signed) })}\n`;
  };

  it("reads only what was appended, waits for a line's end, counts forged lines, and starts over on a shorter file keeping what it knew", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tandem-cp-")), "audit-checkpoints.jsonl");
    const reader = createCheckpointReader(file, TEST_AUDIT_KEYS);
    expect(await reader.read()).toEqual({ latest: new Map(), forged: 0 });
    fs.writeFileSync(file, line("a.test", 3) + line("b.test", 7));
    expect((await reader.read()).latest).toEqual(new Map([["a.test", { seq: 3, hash: "h3", at: 1 }], ["b.test", { seq: 7, hash: "h7", at: 1 }]]));
    // Half a line (still being written) is left for the next read.
    const next = line("a.test", 9);
    fs.appendFileSync(file, next.slice(0, 20));
    expect((await reader.read()).latest.get("a.test")?.seq).toBe(3);
    fs.appendFileSync(file, next.slice(20) + '{"tenantId":"a.test","seq":99,"hash":"x","at":1,"sig":"AAAA"}\n');
    const after = await reader.read();
    expect([after.latest.get("a.test")?.seq, after.forged]).toEqual([9, 1]);
    // Rotated away: read from the start again; the checkpoints already seen stay known.
    fs.writeFileSync(file, line("b.test", 8));
    const rotated = await reader.read();
    expect([rotated.latest.get("a.test")?.seq, rotated.latest.get("b.test")?.seq, rotated.forged]).toEqual([9, 8, 0]);
    // Replaced by a new file that is already longer than what was read: read from its start too.
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, line("c.test", 1) + line("c.test", 2) + line("c.test", 3) + line("c.test", 4) + line("c.test", 5));
    const replaced = await reader.read();
    expect([replaced.latest.get("c.test")?.seq, replaced.forged]).toEqual([5, 0]);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
