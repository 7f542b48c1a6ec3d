import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { PermissionPane, PermissionReport } from "../protocol/index.js";
import type { SharerHost } from "./sharer-host.js";

/**
 * In the desktop app, before the sharer allows: what the OS still has to let
 * Tandem do for the level asked (Screen Recording to be seen, Accessibility
 * too to be controlled), with a button to the right System Settings pane and
 * a re-check. Reports whether the level can be granted now. The web page
 * (no permissions to ask) renders nothing and reports yes.
 */
export function PermissionOnboarding({ host, wantsControl, onReady, onReopen }: { host: SharerHost; wantsControl: boolean; onReady: (ready: boolean, unsupportedReason: string | null) => void; onReopen?: () => void }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<PermissionReport | null>(null);
  // macOS applies Screen Recording only to a new process: once the sharer went to switch it on, offer to reopen.
  const [openedScreenRecording, setOpenedScreenRecording] = useState(false);
  const openSettings = (pane: PermissionPane) => {
    if (pane === "screen-recording") setOpenedScreenRecording(true);
    void host.openPermissionSettings?.(pane);
  };
  const check = useCallback(() => {
    if (!host.permissions) return onReady(true, null);
    void host.permissions().then(setReport, () => onReady(true, null)); // no answer: let the OS ask on its own
  }, [host, onReady]);
  useEffect(check, [check]);
  // The sharer comes back from System Settings: look again.
  useEffect(() => {
    const again = () => document.visibilityState === "visible" && check();
    window.addEventListener("focus", again);
    return () => window.removeEventListener("focus", again);
  }, [check]);

  type Need = readonly ["screenRecording" | "accessibility", PermissionPane];
  const needed: Need[] = report ? [["screenRecording", "screen-recording"], ...(wantsControl ? ([["accessibility", "accessibility"]] as Need[]) : [])] : [];
  // Screen Recording "not determined": macOS asks by itself at the first capture.
  const missing = needed.filter(([key]) => report![key] === "denied" || (key === "accessibility" && report![key] === "not-determined"));
  useEffect(() => {
    if (report) onReady(missing.length === 0 && !(wantsControl && report.unsupportedReason), report.unsupportedReason);
  }, [report, missing.length, wantsControl, onReady]);

  if (!report) return null;
  if (wantsControl && report.unsupportedReason) return <p className="banner warn" data-testid="control-unsupported">{report.unsupportedReason}</p>;
  if (missing.length === 0) return null;
  return (
    <div className="banner warn permissions" data-testid="permission-onboarding">
      <strong>{t("permissions.title")}</strong>
      <ul>
        {needed.map(([key, pane]) => (
          <li key={key} data-testid={`permission-${pane}`} data-state={report[key]}>
            {t(`permissions.${key}`)} <em>{missing.some(([k]) => k === key) ? t("permissions.missing") : t("permissions.granted")}</em>
            {missing.some(([k]) => k === key) && (
              <button type="button" onClick={() => openSettings(pane)} data-testid={`open-settings-${pane}`}>
                {t("permissions.openSettings")}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p>{t("permissions.howTo")}</p>
      <button type="button" onClick={check} data-testid="check-permissions">{t("permissions.checkAgain")}</button>
      {openedScreenRecording && report.platform === "macos" && host.reopen && onReopen && (
        <p data-testid="reopen-offer">
          {t("permissions.reopenExplanation")}{" "}
          <button type="button" className="primary" onClick={onReopen} data-testid="quit-reopen">{t("permissions.reopen")}</button>
        </p>
      )}
    </div>
  );
}
