#!/usr/bin/env node
// Runs @doyensec/electronegativity over the desktop app's main and preload and
// fails on any HIGH or MEDIUM finding that is not on the reviewed list below.
// The tool itself exits 0 whatever it finds, so its CSV report is parsed here.
// A reviewed entry names the check, the file and the code it flagged, and why
// it is safe; the same check anywhere else still fails.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const REVIEWED = [
  { check: "OPEN_EXTERNAL_JS_CHECK", file: "main/main.ts", code: "if (openExternally(url)) await shell.openExternal(url);", why: "the app's single openExternal call, behind openExternally (web links and the two settings panes only; tested)" },
  { check: "PROTOCOL_HANDLER_JS_CHECK", file: "main/main.ts", code: "app.setAsDefaultProtocolClient(PROTOCOL_SCHEME);", why: "tandem://join?code= links; parseDeepLink accepts only join with a valid code (tested)" },
  { check: "CERTIFICATE_VERIFY_PROC_JS_CHECK", file: "main/page-session-fences.ts", code: "pageSession.setCertificateVerifyProc((request", why: "adds trust only for the managed broker CA, for the broker's host, within validity; otherwise Chromium's verdict (-3) stands (tested)" },
  { check: "PRELOAD_JS_CHECK", file: "main/window-policy.ts", code: "preload", why: "the preload exposes one typed bridge; main checks the calling frame and parses every argument (tested)" },
];

/**
 * The tool's CSV does not escape quotes or newlines inside its code samples (a
 * CSP written over several lines breaks a row), so it is read record by
 * record instead: every finding ends with its check's wiki URL, which names
 * the check; the severity, file and location are the first quoted fields of
 * that shape in the record.
 */
function readFindings(text) {
  const findings = [];
  const unreadable = [];
  const body = text.slice(text.indexOf("\n") + 1); // after the header line
  for (const record of body.split(/(?<=\/wiki\/[A-Z_]+)\r?\n/)) {
    const check = /\/wiki\/([A-Z_]+)\s*$/.exec(record)?.[1];
    const fields = /"(HIGH|MEDIUM|LOW|INFORMATIONAL)","(\w+)","([^"]*)","(\d+:\d+)",(?:"((?:[^"]|"")*?)"|N\/A)?/.exec(record);
    if (check && fields) findings.push({ check, severity: fields[1], file: path.relative("src", fields[3]), location: fields[4], code: (fields[5] ?? "").replaceAll('""', '"') });
    // The tool's own source: an unparsable CSP is reported LOW (a missing CSP, MEDIUM, has no sample and reads fine).
    else if (check === "CSP_GLOBAL_CHECK" && record.includes("Failed to parse CSP")) findings.push({ check, severity: "LOW", file: "?", location: "?", code: "" });
    else if (record.trim()) unreadable.push(record.trim());
  }
  return { findings, unreadable };
}

const electronVersion = JSON.parse(fs.readFileSync("node_modules/electron/package.json", "utf8")).version;
const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tandem-eneg-")), "report.csv");
// Offline, with its network lookups failing at once (scripts/offline-got.cjs): the release check needs GitHub, and
// Electron's version is kept current by the dependency updates, not by this scan.
const tool = spawnSync(process.execPath, ["--require", "./scripts/offline-got.cjs", "node_modules/@doyensec/electronegativity/dist/index.js", "-i", "src", "-e", electronVersion, "-x", "availablesecurityfixesglobalcheck", "-o", report], { encoding: "utf8" });
if (!fs.existsSync(report)) {
  console.error(`electronegativity produced no report (exit ${tool.status}):\n${tool.stderr}`);
  process.exit(1);
}
const { findings, unreadable } = readFindings(fs.readFileSync(report, "utf8"));
if (unreadable.length) {
  console.error(`electronegativity: ${unreadable.length} report record(s) could not be read:\n${unreadable.join("\n---\n")}`);
  process.exit(1);
}
const serious = findings.filter((f) => f.severity === "HIGH" || f.severity === "MEDIUM");
const reviewed = (f) => REVIEWED.find((r) => r.check === f.check && r.file === f.file && f.code.startsWith(r.code));
const open = serious.filter((f) => !reviewed(f));
for (const f of serious) console.log(`${reviewed(f) ? "reviewed" : "OPEN    "} ${f.severity.padEnd(6)} ${f.check} src/${f.file}:${f.location}${reviewed(f) ? ` — ${reviewed(f).why}` : `\n         ${f.code}`}`);
console.log(`electronegativity ${electronVersion ? `(Electron ${electronVersion})` : ""}: ${findings.length} findings, ${serious.length} HIGH/MEDIUM, ${serious.length - open.length} reviewed, ${open.length} open`);
process.exit(open.length === 0 ? 0 : 1);
