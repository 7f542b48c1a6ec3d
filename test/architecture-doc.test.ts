import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { BROKER_LAYERS, MAY_IMPORT } from "../eslint.config.js";

/** docs/architecture.md stays true: every path it names exists, and its tables name every folder the rules know. */
const doc = fs.readFileSync("docs/architecture.md", "utf8");
const named = [...doc.matchAll(/`([A-Za-z0-9_./-]+\/[A-Za-z0-9_./*-]*|[A-Za-z0-9_-]+\.(?:ts|tsx|js|md))`/g)].map((m) => m[1]!);

describe("docs/architecture.md", () => {
  it("names only paths that exist", () => {
    expect(named.length).toBeGreaterThan(40);
    const missing = named.filter((p) => !p.includes("*") && !fs.existsSync(p));
    expect(missing).toEqual([]);
  });

  it("has a row for every folder the import rules know, and the broker's layers in their order", () => {
    for (const folder of Object.keys(MAY_IMPORT)) expect(doc).toContain(`| \`${folder}\` |`);
    const order = doc.split("The broker's folders, top to bottom")[1]?.split("\n\n")[0] ?? "";
    expect([...order.matchAll(/`([a-z]+)`/g)].map((m) => m[1])).toEqual(BROKER_LAYERS);
  });
});
