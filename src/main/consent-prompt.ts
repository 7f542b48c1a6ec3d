import type { Party } from "../protocol/index.js";
import { ar } from "../ui/i18n/locales/ar.js";
import { en, type Strings } from "../ui/i18n/locales/en.js";
import { es } from "../ui/i18n/locales/es.js";
import { fr } from "../ui/i18n/locales/fr.js";
import { it } from "../ui/i18n/locales/it.js";
import { sv } from "../ui/i18n/locales/sv.js";
import { zh } from "../ui/i18n/locales/zh.js";

/**
 * Main's own consent prompt (a native dialog: no page, no preload, nothing
 * the broker's content can draw over or click), in the sharer's language from
 * the same locale files as the pages. Deny is the default and what Escape or
 * closing the dialog means.
 */
const LOCALES: Record<string, Strings> = { en, es, fr, it, sv, zh, ar };

export interface ConsentDialog {
  type: "question";
  title: string;
  message: string;
  detail: string;
  buttons: [string, string];
  defaultId: 0;
  cancelId: 0;
  noLink: true;
}

/** Button 1 is Allow; anything else is a refusal. */
export const ALLOW_BUTTON = 1;

export function consentDialog(helper: Party, locale: string, hotkey: string): ConsentDialog {
  const strings = LOCALES[locale.toLowerCase().split("-")[0]!] ?? en;
  const t = (key: keyof Strings, values: Record<string, string>) => strings[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => values[name] ?? "");
  const verified = helper.verifiedDomain ? t("consent.verified", { domain: helper.verifiedDomain }) : t("consent.unverified", {});
  return {
    type: "question",
    title: t("consent.title", {}),
    message: t("consent.message", { name: helper.name }),
    detail: t("consent.detail", { name: helper.name, company: helper.company || "—", verified, tenant: helper.tenantName, hotkey }),
    buttons: [t("consent.deny", {}), t("consent.allow", {})],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}
