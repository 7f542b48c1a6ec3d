import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { buildBroker } from "../src/server/broker.js";
import { BrokerConfig } from "../src/server/config.js";
import { signInAsDesktop } from "../tools/desktop-sign-in.js";
import { BrokerClient } from "../tools/broker-client.js";
import { northwind } from "./support/demo-people.js";

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-audit-cli-"));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function verify(): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts"], { env: { ...process.env, TANDEM_DATA_DIR: dataDir } });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe("npm run audit:verify on a broker's real database", () => {
  it("reports intact chains, then names the row an attacker edited", async () => {
    const broker = await buildBroker(BrokerConfig.parse({ port: 0, dataDir, logLevel: "silent" }));
    await broker.listen();
    const ca = broker.tls!.caCert!;
    const token = (await signInAsDesktop({ issuer: `${broker.origin}/idp`, ca, username: northwind.operator.username, password: northwind.operator.password })).accessToken;
    const client = await BrokerClient.signIn(`${broker.origin.replace("https", "wss")}/ws`, token, { ca });
    await client.request({ type: "session.create" }, "session.created");
    client.kill();
    await broker.close();

    const intact = await verify();
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/intact {2}northwind\.test: \d+ rows/);

    const db = new BetterSqlite3(path.join(dataDir, "tandem.sqlite"));
    db.prepare("update audit_events set actor_id = 'someone-else' where tenant_id = 'northwind.test' and action = 'session.created'").run();
    db.close();
    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.out).toContain("BROKEN  northwind.test");
    expect(broken.out).toMatch(/row \d+: edited/);
  });
});
