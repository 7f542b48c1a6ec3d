import fs from "node:fs";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { BROKER_LAYERS, MAY_IMPORT } from "../eslint.config.js";

/**
 * The folder rules of eslint.config.js, tried the way a newcomer would break
 * them: every folder of src/ has a rule, and an import that runs the wrong way
 * is refused while the allowed ones pass.
 */
const eslint = new ESLint();

async function refused(file: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import * as m from "${specifier}";\nexport const used = m;\n`, { filePath: file });
  return result!.messages.some((m) => m.ruleId === "no-restricted-imports");
}

describe("the folder rules", () => {
  it("name every folder of src/ and every folder around it", () => {
    const folders = fs.readdirSync("src", { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/${d.name}`);
    expect(Object.keys(MAY_IMPORT).filter((f) => f.startsWith("src/")).sort()).toEqual(folders.sort());
    for (const top of ["native", "tools", "bench", "scripts"]) expect(Object.keys(MAY_IMPORT)).toContain(top);
  });

  it.each([
    ["src/server/x.ts", "../console/App.js"],
    ["src/server/x.ts", "../ui/use-store.js"],
    ["src/server/x.ts", "../main/main.js"],
    ["src/server/x.ts", "../../tools/x-display.js"],
    ["src/server/sessions/x.ts", "../../web-client/store.js"],
    ["src/main/x.ts", "../server/broker.js"],
    ["src/main/x.ts", "../web-client/peer-link.js"],
    ["src/web-client/x.ts", "../ui/use-store.js"],
    ["src/web-client/x.ts", "react"],
    ["src/ui/x.ts", "../console/App.js"],
    ["src/console/x.ts", "../renderer/SharerApp.js"],
    ["src/protocol/x.ts", "../server/broker.js"],
    ["src/node-shared/x.ts", "../server/broker.js"],
    ["src/locales/x.ts", "../ui/use-store.js"],
    ["native/x.ts", "../src/server/broker.js"],
    ["native/x.ts", "../tools/x-display.js"],
    ["tools/x.ts", "../test/support/needs.js"],
    ["bench/abuse/x.ts", "../../test/support/idp-harness.js"],
    ["scripts/x.ts", "../test/support/needs.js"],
  ])("refuses %s importing %s", async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(true);
  });

  it("name every folder of the broker, in one order", () => {
    const folders = fs.readdirSync("src/server", { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect([...BROKER_LAYERS].sort()).toEqual(folders.sort());
  });

  it.each([
    ["src/server/store/x.ts", "../audit/audit-verifier.js"],
    ["src/server/sessions/x.ts", "../chat/chat-service.js"],
    ["src/server/sessions/x.ts", "../ws/hub.js"],
    ["src/server/sessions/x.ts", "../http/client-address.js"],
    ["src/server/audit/x.ts", "../policy/tenant-config.js"],
    ["src/server/identity/idp/x.ts", "../../http/auth-routes.js"],
    ["src/server/auth/x.ts", "../http/typed-errors.js"],
  ])("refuses the broker's %s importing %s (a layer above)", async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(true);
  });

  it.each([
    ["src/server/x.ts", "../protocol/index.js"],
    ["src/server/ws/x.ts", "../sessions/session-service.js"],
    ["src/server/http/x.ts", "../auth/web-sessions.js"],
    ["src/server/chat/x.ts", "../sessions/chat-history.js"],
    ["src/server/identity/idp/x.ts", "../../limits/attempt-limiter.js"],
    ["src/server/x.ts", "../node-shared/ca-network-client.js"],
    ["src/server/x.ts", "../pppc/index.js"],
    ["src/main/x.ts", "../locales/en.js"],
    ["src/ui/x.ts", "../web-client/store.js"],
    ["src/console/x.ts", "../web-client/peer-link.js"],
    ["src/renderer/x.ts", "../ui/use-store.js"],
    ["native/x.ts", "../src/node-shared/ca-network-client.js"],
    ["tools/x.ts", "../src/server/broker.js"],
    ["bench/abuse/x.ts", "../../tools/postgres-server.js"],
  ])("lets %s import %s", async (file, specifier) => {
    expect(await refused(file, specifier)).toBe(false);
  });
});
