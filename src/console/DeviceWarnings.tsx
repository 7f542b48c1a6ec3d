import { useTranslation } from "react-i18next";
import type { DeviceView, TargetDevice } from "../protocol/index.js";

/** Enrollment and compliance, said plainly; they warn, they do not block (the broker's policy decides that). */
export function DeviceWarnings({ device, targetDevice, otherDevice }: { device: DeviceView | null; targetDevice: TargetDevice | null; otherDevice: boolean }) {
  const { t } = useTranslation();
  const warnings: { key: string; text: string }[] = [];
  if (!device) warnings.push({ key: "unenrolled", text: t("device.webSharer") });
  else {
    if (!device.enrolled) warnings.push({ key: "unenrolled", text: t("device.unenrolledWarning") });
    if (!device.compliant) warnings.push({ key: "noncompliant", text: t("device.notCompliantWarning", { reasons: device.reasons.join("; ") }) });
  }
  // The broker's word, from its records: this session was made for another device.
  if (otherDevice && targetDevice) warnings.push({ key: "other-device", text: t("device.otherDeviceNamed", { name: targetDevice.name }) });
  return (
    <div className="device-info">
      {device && (
        <p className="muted" dir="auto" data-testid="sharer-device">
          {device.name} · {t(`platform.${device.platform}`)} {device.osVersion} · Tandem {device.appVersion}
        </p>
      )}
      {warnings.map((w) => (
        <p key={w.key} className="banner warn" role="status" data-testid={`warning-${w.key}`}>
          ⚠ {w.text}
        </p>
      ))}
    </div>
  );
}
