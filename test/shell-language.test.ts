import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { shellLanguage } from "../src/main/shell-language.js";
import { shellText } from "../src/main/shell-strings.js";
import { consentDialog } from "../src/main/consent-prompt.js";

/** The desktop shell speaks the language the sharer picked in the page, after a restart too; otherwise the OS's. */
describe("the desktop shell's language", () => {
  const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tandem-lang-")), "language");

  it("follows the OS until the sharer picks one, and keeps the pick across restarts", () => {
    const where = file();
    let osLocale = "fi-FI";
    const language = shellLanguage(where, () => osLocale);
    expect(shellText(language.locale)("shell.stopSharing")).toBe("Lopeta jakaminen");
    osLocale = "de-DE";
    expect(shellText(language.locale)("shell.stopSharing")).toBe("Freigabe beenden");
    language.choose("ja");
    expect(shellText(language.locale)("shell.quit")).toBe("Tandem を終了");
    // A restart: the file says Japanese whatever the OS says.
    expect(shellLanguage(where, () => "en-US").locale).toBe("ja");
  });

  it("ignores a file that is not exactly a language Tandem speaks", () => {
    for (const junk of ["tlh", "", "de\nrm -rf /", "x".repeat(10_000)]) {
      const where = file();
      fs.writeFileSync(where, junk);
      expect(shellLanguage(where, () => "nb-NO").locale).toBe("nb-NO");
    }
  });

  it("turns right to left for Hebrew and Arabic, and fills plurals and names in the prompt", () => {
    expect(shellText("he-IL").rtl).toBe(true);
    expect(shellText("ar").rtl).toBe(true);
    expect(shellText("uk").rtl).toBe(false);
    const dialog = consentDialog({ name: "Hugo Moreau", company: "Northwind", verifiedDomain: "northwind.test", tenantName: "Northwind IT" } as never, "pl-PL", "Ctrl+Alt+Shift+Esc");
    expect(dialog.message).toBe("Hugo Moreau prosi o sterowanie Twoją myszą i klawiaturą");
    expect(dialog.buttons).toEqual(["Nie zezwalaj", "Zezwól na sterowanie"]);
    expect(shellText("zh-TW")("consent.allow")).toBe("允許控制");
    expect(shellText("zh-CN")("consent.allow")).not.toBe("允許控制");
  });
});
