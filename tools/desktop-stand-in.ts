import type { Page } from "playwright-core";
import { CONTROL_GRANT_KEYS_PATH, type DisplayChoice, type Party, type PermissionReport } from "../src/protocol/index.js";
import https from "node:https";
import type { InputRelay } from "../src/main/input-relay.js";
import { createControlConsent } from "../src/main/control-consent.js";
import { registerDevice as registerWithBroker } from "../src/main/device-enrollment.js";
import { type DeviceKey, newDeviceKey } from "./device-key.js";

/**
 * What the desktop app does that a test or benchmark stands in for without
 * Electron: register the device with the tenant's enrollment token, and give
 * the sharer page the preload's bridge, backed by main's real input relay.
 */
export const STAND_IN_FACTS = { platform: "linux" as const, osVersion: "6.1", appVersion: "1.0.0" };

/** Registers a new device key as main does (`src/main/device-enrollment.ts`). */
export async function registerDevice(o: { wsUrl: string; ca?: string; sharerToken: string; enrollmentToken: string; name: string }): Promise<DeviceKey> {
  const device = await newDeviceKey();
  await registerWithBroker({ wsUrl: o.wsUrl, ...(o.ca ? { ca: o.ca } : {}), accessToken: o.sharerToken, identity: device, name: o.name, facts: STAND_IN_FACTS, enrollmentToken: o.enrollmentToken });
  return device;
}

/** Main's consent prompt as a test answers it: who was shown, and Allow (or not). */
export interface StandInConsent {
  /** The broker whose signed grants main checks (its origin is the issuer). */
  broker: { origin: string; ca?: string };
  /** The sharer's answer in main's prompt; by default Allow. */
  answer?: (helper: Party) => boolean;
  shown?: Party[];
}

/** Before the page loads: window.tandemDesktop, as the preload would expose it, wired to `relay` and main's real consent check. */
export async function attachDesktopBridge(
  page: Page,
  relay: InputRelay,
  device: DeviceKey,
  os: { permissions?: () => PermissionReport; opened?: string[]; displays?: DisplayChoice[]; selected?: string[]; consent?: StandInConsent } = {},
): Promise<void> {
  // Main's display list: by default the one screen this X display has.
  const displays = os.displays ?? [{ id: "1", label: "Screen 1", width: 1920, height: 1080, primary: true, current: true }];
  await page.exposeFunction("__bridgeDisplays", () => displays);
  await page.exposeFunction("__bridgeSelectDisplay", (id: string) => {
    if (!displays.some((d) => d.id === id)) return false;
    for (const d of displays) d.current = d.id === id;
    os.selected?.push(id);
    return true;
  });
  const linuxX11: PermissionReport = { platform: "linux", accessibility: "not-needed", screenRecording: "not-needed", unsupportedReason: null };
  await page.exposeFunction("__bridgePermissions", () => (os.permissions ?? (() => linuxX11))());
  await page.exposeFunction("__bridgeOpenSettings", (pane: string) => void os.opened?.push(pane));
  await page.exposeFunction("__bridgeSessionChanged", (view: unknown) => relay.sessionChanged(view));
  await page.exposeFunction("__bridgeInput", (sessionId: unknown, event: unknown) => relay.input(sessionId, event));
  const consent = os.consent
    ? createControlConsent({
        issuer: os.consent.broker.origin,
        fetchKeys: () => fetchJson(`${os.consent!.broker.origin}${CONTROL_GRANT_KEYS_PATH}`, os.consent!.broker.ca),
        ask: async ({ helper }) => (os.consent!.shown?.push(helper), (os.consent!.answer ?? (() => true))(helper)),
        relay,
      })
    : null;
  await page.exposeFunction("__bridgeConfirmControl", async (grant: unknown) => (consent ? (await consent.confirm(grant)).allowed : false));
  await page.exposeFunction("__bridgeProve", (nonce: string, userId: string) => ({ deviceId: device.id, signature: device.prove(nonce, userId), facts: STAND_IN_FACTS }));
  await page.addInitScript({
    content: `window.tandemDesktop = {
      version: 1,
      accessToken: async () => null,
      proveDevice: (nonce, userId) => window.__bridgeProve(nonce, userId),
      sessionChanged: (view, helperName) => void window.__bridgeSessionChanged(view, helperName),
      input: (sessionId, event) => void window.__bridgeInput(sessionId, event),
      onRevokeHotkey: () => undefined,
      onStopRequested: () => undefined,
      permissions: () => window.__bridgePermissions(),
      openPermissionSettings: (pane) => window.__bridgeOpenSettings(pane),
      displays: () => window.__bridgeDisplays(),
      selectDisplay: (id) => window.__bridgeSelectDisplay(id),
      confirmControl: (grant) => window.__bridgeConfirmControl(grant),
    };`,
  });
}

function fetchJson(url: string, ca?: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error as Error);
          }
        });
      })
      .on("error", reject);
  });
}
