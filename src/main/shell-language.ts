import fs from "node:fs";
import { LanguageChoice } from "./bridge-channels.js";

/**
 * The shell's language: what the sharer last picked in the page (kept in a
 * file in the app's data folder, so the tray speaks it after a restart), or
 * else the OS's. A file that does not hold exactly a language Tandem speaks
 * is ignored.
 */
export interface ShellLanguage {
  readonly locale: string;
  choose(code: LanguageChoice): void;
}

export function shellLanguage(file: string, osLocale: () => string): ShellLanguage {
  let chosen: string | null = null;
  try {
    const saved = LanguageChoice.safeParse(fs.readFileSync(file, "utf8").trim());
    if (saved.success) chosen = saved.data;
  } catch {
    /* nothing chosen yet */
  }
  return {
    get locale() {
      return chosen ?? osLocale();
    },
    choose(code) {
      chosen = code;
      fs.writeFileSync(file, code, { mode: 0o600 });
    },
  };
}
