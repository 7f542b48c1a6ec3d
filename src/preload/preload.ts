import { contextBridge, ipcRenderer } from "electron";
import { BRIDGE_CHANNELS as CHANNELS, BRIDGE_VERSION, type TandemDesktopBridge } from "../protocol/desktop-bridge.js";

/**
 * The only surface the sharer page sees in the desktop app:
 * `window.tandemDesktop`. Thin on purpose: it forwards to main, which checks
 * the calling frame and parses every argument (src/main/bridge-channels.ts).
 * No ipcRenderer, no Node, no generic "send" reaches the page.
 */
const bridge: TandemDesktopBridge = {
  version: BRIDGE_VERSION,
  accessToken: () => ipcRenderer.invoke(CHANNELS.accessToken),
  proveDevice: (nonce, userId) => ipcRenderer.invoke(CHANNELS.proveDevice, nonce, userId),
  sessionChanged: (view, helperName) => ipcRenderer.send(CHANNELS.sessionChanged, view, helperName),
  offered: (helper) => ipcRenderer.send(CHANNELS.offered, helper),
  languageChosen: (code) => ipcRenderer.send(CHANNELS.languageChosen, code),
  input: (sessionId, event) => ipcRenderer.send(CHANNELS.input, sessionId, event),
  annotate: (sessionId, annotation) => ipcRenderer.send(CHANNELS.annotate, sessionId, annotation),
  clipboardWrite: (sessionId, text) => ipcRenderer.invoke(CHANNELS.clipboardWrite, sessionId, text),
  clipboardRead: (sessionId) => ipcRenderer.invoke(CHANNELS.clipboardRead, sessionId),
  onRevokeHotkey: (handler) => void ipcRenderer.on(CHANNELS.revokeHotkey, () => handler()),
  onStopRequested: (handler) => void ipcRenderer.on(CHANNELS.stopRequested, () => handler()),
  permissions: () => ipcRenderer.invoke(CHANNELS.permissions),
  openPermissionSettings: (pane) => ipcRenderer.invoke(CHANNELS.openPermissionSettings, pane),
  displays: () => ipcRenderer.invoke(CHANNELS.displays),
  selectDisplay: (id) => ipcRenderer.invoke(CHANNELS.selectDisplay, id),
  confirmControl: (grant) => ipcRenderer.invoke(CHANNELS.confirmControl, grant),
  reopen: (code) => ipcRenderer.invoke(CHANNELS.reopen, code),
};

contextBridge.exposeInMainWorld("tandemDesktop", bridge);
