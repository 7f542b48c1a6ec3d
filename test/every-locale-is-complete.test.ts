import fs from "node:fs";
import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { ALL_STRINGS } from "../src/locales/all.js";
import { en, type Plural, type StringKey } from "../src/locales/en.js";
import { fingerprint, type LocaleRecord } from "../scripts/locale-fingerprint.js";
import { LANGUAGES, matchLanguage, pickLanguage } from "../src/locales/languages.js";
import { pseudoLocalize } from "../src/locales/pseudo.js";
import { i18nextResource, translate } from "../src/locales/resource.js";

/**
 * Every language has every text, each plural has exactly its language's
 * CLDR forms, placeholders survive translation, nothing is left in English
 * unless recorded as rightly the same, and no translation is older than the
 * English it was made from.
 */
const placeholders = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!));
const forms = (value: string | Plural) => (typeof value === "string" ? [value] : Object.values(value));
const englishPlaceholders = (key: StringKey) => new Set(forms(en[key]).flatMap((text) => [...placeholders(text)]));
const translated = LANGUAGES.filter((l) => l.code !== "en");

describe("every locale", () => {
  it("ships twenty languages or more, each with its own name, loadable on its own", async () => {
    expect(LANGUAGES.length).toBeGreaterThanOrEqual(20);
    for (const code of ["ca", "de", "pt-BR", "pt-PT", "nl", "da", "nb", "fi", "pl", "cs", "tr", "ru", "uk", "he", "ja", "ko", "zh-Hant", "es", "fr", "it", "sv", "ar", "zh"]) expect(LANGUAGES.map((l) => l.code)).toContain(code);
    expect(new Set(LANGUAGES.map((l) => l.name)).size).toBe(LANGUAGES.length);
    for (const language of LANGUAGES) expect(await language.load()).toBe(ALL_STRINGS[language.code]);
    expect(LANGUAGES.filter((l) => l.dir === "rtl").map((l) => l.code).sort()).toEqual(["ar", "he"]);
  });

  it.each(translated.map((l) => l.code))("%s has exactly the English keys, a text for each, and the plural forms of its language", (code) => {
    const strings = ALL_STRINGS[code] as Record<string, string | Plural>;
    expect(Object.keys(strings).sort()).toEqual(Object.keys(en).sort());
    const categories = new Intl.PluralRules(code).resolvedOptions().pluralCategories.slice().sort();
    const problems: string[] = [];
    for (const key of Object.keys(en) as StringKey[]) {
      const value = strings[key]!;
      if (typeof en[key] === "string" && typeof value !== "string") problems.push(`${key}: a plural where English has one text`);
      if (typeof en[key] !== "string" && typeof value === "string") problems.push(`${key}: one text where English has a plural`);
      if (typeof value !== "string" && JSON.stringify(Object.keys(value).sort()) !== JSON.stringify(categories)) problems.push(`${key}: forms ${Object.keys(value).sort().join(",")}, the language needs ${categories.join(",")}`);
      for (const text of forms(value)) {
        if (text.trim() === "") problems.push(`${key}: empty`);
        const mine = placeholders(text);
        const english = englishPlaceholders(key);
        for (const name of mine) if (!english.has(name)) problems.push(`${key}: {{${name}}} is not in the English`);
        // A plural form may spell out its number ("two lines"); every other placeholder must stay.
        for (const name of english) if (name !== "count" && !mine.has(name)) problems.push(`${key}: lost {{${name}}}`);
        if (typeof value === "string" && english.has("count") && !mine.has("count")) problems.push(`${key}: lost {{count}}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(translated.map((l) => l.code))("%s leaves nothing in English and nothing older than today's English", (code) => {
    const file = `src/locales/fingerprints/${code}.json`;
    expect(fs.existsSync(file), `${file} (npm run locales:translated -- ${code})`).toBe(true);
    const record = JSON.parse(fs.readFileSync(file, "utf8")) as LocaleRecord;
    const strings = ALL_STRINGS[code] as Record<string, string | Plural>;
    const problems: string[] = [];
    for (const key of Object.keys(en) as StringKey[]) {
      const same = JSON.stringify(strings[key]) === JSON.stringify(en[key]);
      if (same && !record.sameAsEnglish.includes(key)) problems.push(`${key}: still the English text`);
      if (record.english[key] !== fingerprint(en[key])) problems.push(`${key}: the English changed since it was translated`);
    }
    expect(problems).toEqual([]);
  });

  it("a changed English text is caught in every language until it is translated again", () => {
    const record = JSON.parse(fs.readFileSync("src/locales/fingerprints/de.json", "utf8")) as LocaleRecord;
    expect(record.english["common.save"]).toBe(fingerprint(en["common.save"]));
    expect(record.english["common.save"]).not.toBe(fingerprint("Save changes"));
  });

  it("the pseudo-locale is accented, 40% longer and keeps every placeholder", () => {
    const pseudo = pseudoLocalize(en);
    for (const key of Object.keys(en) as StringKey[]) {
      const [english, stretched] = [forms(en[key]), forms(pseudo[key])];
      english.forEach((text, i) => {
        expect(stretched[i]!.length).toBeGreaterThanOrEqual(Math.ceil(text.length * 1.4));
        expect(placeholders(stretched[i]!)).toEqual(placeholders(text));
      });
    }
    expect(pseudo["common.save"]).toMatch(/^⟦Šåvé /);
  });

  it("plurals and numbers follow each language's rules, in i18next and in the desktop shell", async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: "pl", keySeparator: false, interpolation: { escapeValue: false }, resources: Object.fromEntries((["pl", "de", "ar", "ja"] as const).map((code) => [code, { translation: i18nextResource(ALL_STRINGS[code]) }])) });
    const unread = (count: number) => i18n.t("chat.unread", { count });
    expect([1, 3, 5, 22].map(unread)).toEqual([
      (ALL_STRINGS.pl["chat.unread"] as Plural).one!.replace("{{count}}", "1"),
      (ALL_STRINGS.pl["chat.unread"] as Plural).few!.replace("{{count}}", "3"),
      (ALL_STRINGS.pl["chat.unread"] as Plural).many!.replace("{{count}}", "5"),
      (ALL_STRINGS.pl["chat.unread"] as Plural).few!.replace("{{count}}", "22"),
    ]);
    await i18n.changeLanguage("de");
    expect(i18n.t("audit.intact", { count: 12345 })).toContain("12.345");
    await i18n.changeLanguage("ar");
    expect(i18n.t("chat.unread", { count: 2 })).toBe((ALL_STRINGS.ar["chat.unread"] as Plural).two);
    expect(translate(ALL_STRINGS.ru, "ru", "error.rate_limited", { count: 3 })).toBe((ALL_STRINGS.ru["error.rate_limited"] as Plural).few!.replace("{{count}}", "3"));
    expect(translate(ALL_STRINGS.de, "de", "audit.intact", { count: 1000 })).toContain("1.000");
  });

  it("the language follows the browser or OS, with each language's usual variant", () => {
    const cases: [string, string | undefined][] = [
      ["de-AT", "de"], ["pt", "pt-BR"], ["pt-BR", "pt-BR"], ["pt-PT", "pt-PT"], ["pt_PT", "pt-PT"], ["zh-CN", "zh"], ["zh-TW", "zh-Hant"], ["zh-Hant-HK", "zh-Hant"], ["zh-HK", "zh-Hant"], ["zh-Hans", "zh"],
      ["no", "nb"], ["nn-NO", "nb"], ["nb-NO", "nb"], ["iw", "he"], ["he-IL", "he"], ["ja-JP", "ja"], ["ko-KR", "ko"], ["uk-UA", "uk"], ["tlh", undefined], ["", undefined],
    ];
    expect(cases.map(([tag]) => [tag, matchLanguage(tag)])).toEqual(cases);
    expect(pickLanguage(["tlh", "fi-FI", "de"], null)).toBe("fi");
    expect(pickLanguage(["fi-FI"], "ko")).toBe("ko");
    expect(pickLanguage(["fi-FI"], "xx")).toBe("fi");
    expect(pickLanguage([], null)).toBe("en");
  });
});
