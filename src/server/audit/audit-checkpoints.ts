import fs from "node:fs";
import { type Clock, repeatEvery } from "../clock.js";
import type { ChainCheckpoint } from "../store/audit-chain.js";
import type { AuditKeys } from "./audit-keys.js";

/**
 * Signed checkpoints of each tenant's audit chain head, one JSON line per
 * tenant whose log moved, appended to a file outside the database (ship it to
 * a log sink). Deleting the newest rows, or rewriting the chain with the key,
 * then no longer verifies: the rows a checkpoint saw are gone or differ. What
 * was written after the last checkpoint (at most `everyMs`) is not covered.
 */
export interface CheckpointLine extends ChainCheckpoint {
  tenantId: string;
  sig: string;
}

const signed = (c: Omit<CheckpointLine, "sig">) => JSON.stringify([c.tenantId, c.seq, c.hash, c.at]);

export interface AuditCheckpoints {
  /** Writes a checkpoint for every tenant whose head moved since the last one. */
  writeNow(): Promise<number>;
  stop(): Promise<void>;
}

export function startAuditCheckpoints(o: {
  heads(): Promise<{ tenantId: string; seq: number; hash: string }[]>;
  keys: AuditKeys;
  file: string;
  clock: Clock;
  everyMs: number;
  log(error: unknown): void;
}): AuditCheckpoints {
  const written = new Map<string, number>();
  let running: Promise<number> = Promise.resolve(0);

  async function write(): Promise<number> {
    const lines = [];
    for (const head of await o.heads()) {
      if (written.get(head.tenantId) === head.seq) continue;
      const checkpoint = { ...head, at: o.clock.now() };
      lines.push(JSON.stringify({ ...checkpoint, sig: o.keys.signCheckpoint(signed(checkpoint)) }));
      written.set(head.tenantId, head.seq);
    }
    if (lines.length) await fs.promises.appendFile(o.file, `${lines.join("\n")}\n`, { mode: 0o600 });
    return lines.length;
  }
  const writeNow = () => (running = running.then(write, write));

  const schedule = repeatEvery(o.clock, o.everyMs, writeNow, o.log);
  return {
    writeNow,
    async stop() {
      schedule.stop();
      await writeNow().catch(o.log);
    },
  };
}

/**
 * The newest validly signed checkpoint per tenant, and how many lines are not
 * validly signed. The file only grows, so a reader remembers how far it read
 * and each call reads only what was appended since (the Audit page verifies on
 * every visit; a year of checkpoints is not re-read each time). A file that
 * was replaced or got shorter (rotated to a log sink) is read again from its
 * start; checkpoints already seen stay known.
 */
export function createCheckpointReader(file: string, keys: AuditKeys) {
  const latest = new Map<string, ChainCheckpoint>();
  let forged = 0;
  let offset = 0;
  let inode = -1;
  let reading: Promise<unknown> = Promise.resolve();
  const take = (text: string) => {
    if (!text.trim()) return;
    const line = parsed(text);
    if (!line || !validlySigned(line, keys)) return void forged++;
    if ((latest.get(line.tenantId)?.seq ?? 0) < line.seq) latest.set(line.tenantId, { seq: line.seq, hash: line.hash, at: line.at });
  };
  async function readAppended() {
    const handle = await fs.promises.open(file, "r").catch(() => null);
    if (!handle) return;
    try {
      const { size, ino } = await handle.stat();
      if (size < offset || ino !== inode) [offset, forged, inode] = [0, 0, ino];
      let pending = Buffer.alloc(0);
      const chunk = Buffer.alloc(1 << 20);
      while (offset + pending.length < size) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset + pending.length);
        if (bytesRead === 0) break;
        pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
        // Whole lines only: the last one may still be being written.
        const end = pending.lastIndexOf(0x0a);
        if (end < 0) continue;
        for (const text of pending.subarray(0, end).toString("utf8").split("\n")) take(text);
        offset += end + 1;
        pending = pending.subarray(end + 1);
      }
    } finally {
      await handle.close();
    }
  }
  return {
    async read(): Promise<{ latest: Map<string, ChainCheckpoint>; forged: number }> {
      reading = reading.then(readAppended, readAppended);
      await reading;
      return { latest: new Map(latest), forged };
    },
  };
}

function parsed(text: string): CheckpointLine | null {
  try {
    const line = JSON.parse(text) as CheckpointLine;
    return typeof line.tenantId === "string" && Number.isSafeInteger(line.seq) && typeof line.hash === "string" && typeof line.sig === "string" ? line : null;
  } catch {
    return null;
  }
}

function validlySigned(line: CheckpointLine, keys: AuditKeys): boolean {
  try {
    return keys.checkpointSignatureValid(signed(line), line.sig);
  } catch {
    return false;
  }
}
