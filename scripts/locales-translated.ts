import fs from "node:fs";
import { ALL_STRINGS } from "../src/locales/all.js";
import { en } from "../src/locales/en.js";
import { fingerprint, type LocaleRecord } from "./locale-fingerprint.js";
import { LANGUAGES } from "../src/locales/languages.js";

// `npm run locales:translated -- de fr [--same key1,key2]`: after translating
// (or reviewing) those languages against the English of today, record it.
// `--same` marks keys that are rightly the same as English in them.
const args = process.argv.slice(2);
const same = args.includes("--same") ? args[args.indexOf("--same") + 1]!.split(",") : [];
const codes = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--same");
if (codes.length === 0) throw new Error("name the languages you translated, e.g. npm run locales:translated -- de fr");
for (const code of codes) {
  if (!LANGUAGES.some((l) => l.code === code) || code === "en") throw new Error(`not a translated language: ${code}`);
  const file = `src/locales/fingerprints/${code}.json`;
  const old: LocaleRecord = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as LocaleRecord) : { english: {}, sameAsEnglish: [] };
  const strings = ALL_STRINGS[code as keyof typeof ALL_STRINGS] as Record<string, unknown>;
  const record: LocaleRecord = {
    english: Object.fromEntries(Object.entries(en).filter(([key]) => key in strings).map(([key, text]) => [key, fingerprint(text)])),
    sameAsEnglish: [...new Set([...old.sameAsEnglish, ...same])].filter((key) => key in en).sort(),
  };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
  console.log(`${code}: ${Object.keys(record.english).length} texts recorded as translated from today's English`);
}
