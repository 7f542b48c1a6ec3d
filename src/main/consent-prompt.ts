import type { Party } from "../protocol/index.js";
import { shellText } from "./shell-strings.js";

/**
 * Main's own consent prompt (a native dialog: no page, no preload, nothing
 * the broker's content can draw over or click), in the sharer's language from
 * the same locale files as the pages. Deny is the default and what Escape or
 * closing the dialog means.
 */
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
  const t = shellText(locale);
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

/** Main's prompt for the clipboard, once per direction in a session; Don't allow is the default. */
export function clipboardDialog(direction: "to_sharer" | "from_sharer", helperName: string | null, locale: string): ConsentDialog {
  const t = shellText(locale);
  const name = helperName ?? t("shell.yourHelper", {});
  return {
    type: "question",
    title: t("consent.clipboardTitle", {}),
    message: t(direction === "to_sharer" ? "consent.clipboardWrite" : "consent.clipboardRead", { name }),
    detail: t("consent.clipboardDetail", {}),
    buttons: [t("consent.deny", {}), t("consent.clipboardAllow", {})],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}
