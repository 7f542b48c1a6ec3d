import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keyedChainHash, legacyChainHash, verifyChain } from "../src/server/store/audit-chain.js";
import { loadOrCreateAuditKeys } from "../src/server/audit/audit-keys.js";
import { WRITTEN_PER_WINDOW } from "../src/server/audit/refusal-summaries.js";
import { openSqlite } from "../src/server/store/engine.js";
import { createKyselyStore } from "../src/server/store/kysely-store.js";
import { BrokerClient } from "../tools/broker-client.js";
import { api } from "./support/api.js";
import { testChainHash, testStoreOptions } from "./support/audit-keys.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { ManualClock } from "./support/manual-clock.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- audit rows read field by field
type Row = any;

/** A sharer asks for what it may not, again and again; the log stays readable, newest first. */
describe("an audit log under a flood of refusals", () => {
  const clock = new ManualClock(Date.now());
  let h: Harness;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness({}, { clock });
    admin = await h.issuer.mint({ sub: "audit-admin" }, { extraClaims: { groups: ["it-admins"] } });
  });
  afterAll(() => h.close());
  const audit = async (query: string) => (await api(h.httpsOrigin, h.ca, admin, "GET", `/api/audit${query}`)).body as { events: Row[]; next: string | null };

  it("writes the first refusals of a window one by one and the rest as one row with a count; what happened next is on the first page", async () => {
    const flooder = await BrokerClient.signIn(h.wsUrl, await h.issuer.mint({ sub: "no-role-sharer" }, { extraClaims: { groups: [] } }), { ca: h.ca });
    let forbidden = 0;
    for (let i = 0; i < 150; i++) {
      const answer = await flooder.request({ type: "session.create" }, "session.created").catch((e: { code?: string }) => e.code);
      if (answer === "forbidden") forbidden++;
    }
    expect(forbidden).toBe(150);
    // Somebody else's session, after the flood.
    const helper = await h.signIn("after-the-flood");
    const created = await helper.request({ type: "session.create" }, "session.created");

    const firstPage = await audit("?limit=20");
    expect(firstPage.events[0]).toMatchObject({ action: "session.created", sessionId: created.session.sessionId });
    const ids = firstPage.events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const refusals = await audit("?actor=no-role-sharer&action=access.refused,access.refused.repeated&limit=500");
    expect(refusals.events).toHaveLength(WRITTEN_PER_WINDOW);

    // The window closes: one row counts the rest.
    clock.advance(61_000);
    await expect.poll(async () => (await audit("?actor=no-role-sharer&action=access.refused.repeated")).events, { timeout: 5_000 }).toHaveLength(1);
    const [summary] = (await audit("?actor=no-role-sharer&action=access.refused.repeated")).events;
    expect(summary.detail).toMatchObject({ code: "forbidden", count: 150 - WRITTEN_PER_WINDOW });
    flooder.kill();
  });

  it("pages back through the whole log with a cursor, every event once, newest first", async () => {
    const seen: number[] = [];
    let page = await audit("?limit=7");
    for (;;) {
      seen.push(...page.events.map((e) => e.id));
      if (!page.next) break;
      page = await audit(`?limit=7&before=${page.next}`);
    }
    const all = (await h.broker.store.listAudit({ tenantId: "northwind.test", limit: 100_000 })).map((e) => e.id);
    expect(seen).toEqual([...all].reverse());
  });

  it("refuses a malformed query with a typed error", async () => {
    for (const query of ["?limit=0", "?limit=501", "?before=abc", "?action=DROP%20TABLE", "?sort=oldest", `?action=${Array(21).fill("a.b").join(",")}`]) {
      const answer = await api(h.httpsOrigin, h.ca, admin, "GET", `/api/audit${query}`);
      expect([query, answer.status, answer.body.code]).toEqual([query, 400, "bad_message"]);
    }
  });
});

/** Someone with write access to the database, and perhaps the key, tries to make the log say less. */
describe("an audit log cut short or rewritten", () => {
  let h: Harness;
  let file: string;
  const tenant = "northwind.test";
  const db = () => new Database(file);
  beforeAll(async () => {
    h = await startHarness({ sqliteFile: undefined });
    file = path.join(h.dataDir, "tandem.sqlite");
  });
  afterAll(() => h.close());

  async function writeAndCheckpoint(n: number) {
    for (let i = 0; i < n; i++) await h.broker.store.appendAudit({ tenantId: tenant, sessionId: null, actorId: "x", action: `step.${i}`, detail: { i }, at: Date.now() });
    await h.broker.checkpoints.writeNow();
  }

  it("names the rows a checkpoint saw when the newest rows are deleted", async () => {
    await writeAndCheckpoint(6);
    const head = (await h.broker.store.listAuditHeads()).find((x) => x.tenantId === tenant)!;
    expect(await h.broker.verifyAudit(tenant)).toMatchObject({ ok: true, checkpoint: { seq: head.seq } });
    const conn = db();
    conn.prepare("delete from audit_events where tenant_id = ? and seq > ?").run(tenant, head.seq - 3);
    conn.close();
    const verdict = await h.broker.verifyAudit(tenant);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([{ seq: head.seq, problem: "truncated" }]);
  });

  it("finds an edit recomputed without the key, and one recomputed with the stolen key", async () => {
    await writeAndCheckpoint(4); // a fresh checkpoint past the truncation above
    const conn = db();
    const rows = (await h.broker.store.listAuditChain(tenant)).filter((r) => r.seq > 2);
    const recompute = (hash: typeof legacyChainHash) => {
      let prev = rows[0]!.prevHash;
      for (const row of rows) {
        const changed = row === rows[0] ? { ...row, detailJson: '{"i":"covered up"}' } : row;
        const next = hash(prev, changed);
        conn.prepare("update audit_events set detail = ?, prev_hash = ?, hash = ? where tenant_id = ? and seq = ?").run(changed.detailJson, prev, next, tenant, row.seq);
        prev = next;
      }
    };
    recompute(legacyChainHash); // the unkeyed algorithm anyone can run
    const withoutKey = await h.broker.verifyAudit(tenant);
    expect(withoutKey.problems.filter((p) => p.problem === "edited").map((p) => p.seq)).toEqual(rows.map((r) => r.seq));

    recompute(keyedChainHash(loadOrCreateAuditKeys(path.join(h.dataDir, "audit.key")).chainKey)); // with the key: the chain holds, the checkpoint does not
    conn.close();
    const withKey = await h.broker.verifyAudit(tenant);
    // The broker went on from the head it had written, not the one the deletion above left: the rows cut out stay missing.
    const afterGap = rows.find((r, i) => i > 0 && r.seq !== rows[i - 1]!.seq + 1)!.seq;
    expect(withKey.problems).toEqual([{ seq: afterGap, problem: "missing_before" }, { seq: rows.at(-1)!.seq, problem: "rewritten" }]);
  });

  it("counts a checkpoint line not signed with the key as forged, and `npm run audit:verify` names what is wrong", async () => {
    fs.appendFileSync(path.join(h.dataDir, "audit-checkpoints.jsonl"), `${JSON.stringify({ tenantId: tenant, seq: 1, hash: "0".repeat(64), at: 0, sig: "AAAA" })}\n`);
    expect(await h.broker.verifyAudit(tenant)).toMatchObject({ ok: false, forgedCheckpoints: 1 });
    const run = spawnSync("npx", ["tsx", "scripts/audit-verify.ts"], { env: { ...process.env, TANDEM_DATA_DIR: h.dataDir }, encoding: "utf8", timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/BROKEN {2}northwind\.test/);
    expect(run.stdout).toMatch(/rewritten since a signed checkpoint saw it/);
    expect(run.stdout).toMatch(/1 checkpoint line\(s\) .* are not signed with this broker's audit key/);
  });
});

describe("audit chains written before the key", () => {
  it("are keyed when the store first opens with a key, if intact; a broken one is left for the verifier to name", async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "tandem-legacy-audit-"));
    const file = path.join(dir, "tandem.sqlite");
    const first = await createKyselyStore(openSqlite(file), "sqlite", testStoreOptions);
    for (const tenantId of ["intact.test", "broken.test"]) {
      for (let i = 0; i < 3; i++) await first.appendAudit({ tenantId, sessionId: null, actorId: "a", action: `old.${i}`, detail: {}, at: 1_000 + i });
    }
    await first.close();
    // As an older Tandem left them: plain SHA-256, one of them edited since.
    const conn = new Database(file);
    for (const tenantId of ["intact.test", "broken.test"]) {
      let prev = "0".repeat(64);
      for (const r of conn.prepare("select * from audit_events where tenant_id = ? order by seq").all(tenantId) as Row[]) {
        const hash = legacyChainHash(prev, { tenantId, seq: r.seq, sessionId: r.session_id, actorId: r.actor_id, action: r.action, detailJson: r.detail, at: r.at });
        conn.prepare("update audit_events set prev_hash = ?, hash = ? where id = ?").run(prev, hash, r.id);
        prev = hash;
      }
    }
    conn.prepare("update audit_events set action = 'rewritten' where tenant_id = 'broken.test' and seq = 2").run();
    conn.close();

    const reopened = await createKyselyStore(openSqlite(file), "sqlite", testStoreOptions);
    expect(verifyChain("intact.test", await reopened.listAuditChain("intact.test"), testChainHash)).toMatchObject({ ok: true, rows: 3 });
    expect(verifyChain("broken.test", await reopened.listAuditChain("broken.test"), testChainHash).ok).toBe(false);
    expect(verifyChain("broken.test", await reopened.listAuditChain("broken.test"), legacyChainHash).problems).toEqual([{ seq: 2, problem: "edited" }]);
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
