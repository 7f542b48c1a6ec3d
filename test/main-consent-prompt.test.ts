import { describe, expect, it } from "vitest";
import { ALLOW_BUTTON, consentDialog } from "../src/main/consent-prompt.js";
import type { Party } from "../src/protocol/index.js";

/** Main's own consent dialog: who asks, for what, in the sharer's language, Deny by default. */
const hugo: Party = { userId: "nw-helper", name: "Hugo Moreau", jobTitle: "IT support", company: "Northwind Traders", photoUrl: null, verifiedDomain: "northwind.test", tenantName: "Northwind" };

describe("main's consent prompt", () => {
  it("names the helper, their company, verified domain and tenant, and the hotkey; Deny is default and cancel", () => {
    const d = consentDialog(hugo, "en-GB", "Ctrl+Alt+Shift+Esc");
    expect(d.message).toBe("Hugo Moreau asks to control your mouse and keyboard");
    expect(d.detail).toContain("Hugo Moreau · Northwind Traders · verified for northwind.test · Northwind");
    expect(d.detail).toContain("Ctrl+Alt+Shift+Esc");
    expect(d.buttons[ALLOW_BUTTON]).toBe("Allow control");
    expect([d.defaultId, d.cancelId]).toEqual([0, 0]);
    expect(d.buttons[d.cancelId]).toBe("Don't allow");
  });

  it("speaks the sharer's language from the pages' locale files, says when an organisation is not verified, and falls back to English", () => {
    expect(consentDialog(hugo, "fr-FR", "⌘⌥⇧Esc").message).toBe("Hugo Moreau demande à contrôler votre souris et votre clavier");
    expect(consentDialog({ ...hugo, verifiedDomain: null }, "ar", "x").detail).toContain("المؤسسة غير مُتحقَّق منها");
    expect(consentDialog(hugo, "zh-CN", "x").buttons).toEqual(["不允许", "允许控制"]);
    expect(consentDialog(hugo, "tlh", "x").title).toBe("Allow control?");
  });
});
