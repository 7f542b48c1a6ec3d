import { execFileSync, spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { developerIdRequirement, parseDesignatedRequirement, sameRequirement } from "../src/pppc/code-requirement.js";
import { defaultBundleId } from "../src/pppc/options.js";

// `npm run pppc:check -- --app dist/mac/Tandem.app --team-id ABCDE12345 [--bundle-id …]`
// After signing: the signed app's designated requirement must be exactly what the
// PPPC generator writes into profiles, or MDM-deployed permissions silently miss
// the app. Runs where `codesign` exists (macOS); elsewhere it says it was skipped.
const { values } = parseArgs({ options: { app: { type: "string" }, "team-id": { type: "string" }, "bundle-id": { type: "string" } } });
if (!values.app || !values["team-id"]) {
  console.error("usage: npm run pppc:check -- --app <path to Tandem.app> --team-id <TEAMID> [--bundle-id <id>]");
  process.exit(2);
}
if (spawnSync("codesign", ["--help"], { stdio: "ignore" }).error) {
  console.log("pppc:check skipped: codesign is not available on this machine (it exists only on macOS)");
  process.exit(0);
}
const expected = developerIdRequirement(values["bundle-id"] ?? defaultBundleId(), values["team-id"]);
let output: string;
try {
  output = execFileSync("codesign", ["-d", "-r-", values.app], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
} catch (error) {
  console.error(`pppc:check FAILED: codesign could not read ${values.app}: ${(error as { stderr?: string }).stderr ?? error}`);
  process.exit(1);
}
const actual = parseDesignatedRequirement(output);
if (actual && sameRequirement(actual, expected)) {
  console.log(`pppc:check ok: ${values.app} has the designated requirement the PPPC profile names`);
  process.exit(0);
}
console.error(`pppc:check FAILED: the signed app's designated requirement differs from the PPPC profile's.
  signed app: ${actual ?? "(none found in codesign output)"}
  profile:    ${expected}
Profiles made with these settings would not apply to this build; fix the Team ID / bundle id, or the signing identity.`);
process.exit(1);
