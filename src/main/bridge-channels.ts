import { z } from "zod";
import { LANGUAGES, type LanguageCode } from "../locales/languages.js";
import { BRIDGE_CHANNELS as CHANNELS, CODE_ALPHABET, type BridgeDeviceProof, DisplayChoice, PermissionPane, type PermissionReport, SessionView } from "../protocol/index.js";

/**
 * The IPC channels behind the preload's `window.tandemDesktop`, and how main
 * answers them. Every call is checked twice: it must come from the sharer
 * window's top frame on the broker's origin, and its arguments must parse.
 * Anything else is refused with a typed error and changes nothing.
 */
export const HelperName = z.string().min(1).max(200).nullable();
export const ControlGrantText = z.string().min(1).max(8192);
/** A normalised session code (what the page joined with), nothing else on the relaunch command line. */
export const SessionCodeText = z.string().regex(new RegExp(`^[${CODE_ALPHABET}]{8}$`));
export const ProveArgs = z.tuple([z.string().min(16).max(128), z.string().min(1).max(256)]);
/** Who offers help, as the notification names them: short text only. */
/** Exactly one of the languages Tandem speaks (the shell keeps it in a file). */
export const LanguageChoice = z.enum(LANGUAGES.map((l) => l.code) as [LanguageCode, ...LanguageCode[]]);
export type LanguageChoice = z.infer<typeof LanguageChoice>;
export const OfferedHelper = z.object({ name: z.string().min(1).max(200), company: z.string().max(200) }).strict();

export class BridgeRefused extends Error {
  constructor(readonly code: "forbidden" | "bad_message", message: string) {
    super(message);
    this.name = "BridgeRefused";
  }
}

/** What main gives the bridge; each piece is tested on its own. */
export interface BridgeBackend {
  accessToken(): Promise<string | null>;
  proveDevice(nonce: string, userId: string): Promise<BridgeDeviceProof | null>;
  relay: { sessionChanged(raw: unknown): void; input(sessionId: unknown, raw: unknown): boolean };
  /** Who is helping (null when nobody), for the tray and the indicator; called after the relay took the state. */
  helping(view: SessionView | null, helperName: string | null): void;
  permissions(): Promise<PermissionReport>;
  openPermissionSettings(pane: PermissionPane): Promise<void>;
  displays(): Promise<DisplayChoice[]>;
  selectDisplay(id: string): Promise<boolean>;
  /** The broker's grant from the page: main verifies it and asks the sharer itself (control-consent.ts). */
  confirmControl(grant: unknown): Promise<boolean>;
  /** Quit and reopen into this session code. */
  reopen(code: string): Promise<void>;
  /** A helper's offer reached the page: the OS notification, and the window brought forward. */
  offered(helper: { name: string; company: string }): void;
  /** The sharer chose a language in the page (a code Tandem speaks). */
  languageChosen(code: LanguageChoice): void;
  /** The helper's drawing: shown over the screen only while the session allows it (annotation-overlays.ts). */
  overlays: { sessionChanged(view: SessionView | null): void; annotate(sessionId: unknown, raw: unknown): boolean };
  /** The OS clipboard, after the sharer's yes in main's prompt (clipboard-relay.ts). */
  clipboard: { sessionChanged(view: SessionView | null, helperName: string | null): void; write(sessionId: unknown, text: unknown): Promise<"completed" | "declined" | "failed">; read(sessionId: unknown): Promise<string | null> };
}

/** The part of Electron's ipcMain we use; the event carries the sending frame's URL. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: { url: string; parent: unknown } | null }, ...args: unknown[]) => unknown): void;
  on(channel: string, listener: (event: { senderFrame: { url: string; parent: unknown } | null }, ...args: unknown[]) => void): void;
}

export function registerBridge(ipc: IpcMainLike, backend: BridgeBackend, isAppFrame: (url: string) => boolean, log: (refusal: BridgeRefused) => void = () => undefined): void {
  const trusted = (event: { senderFrame: { url: string; parent: unknown } | null }) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null || !isAppFrame(frame.url)) throw new BridgeRefused("forbidden", `bridge call from a frame that is not the app: ${frame?.url ?? "gone"}`);
  };
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (event: Parameters<Parameters<IpcMainLike["handle"]>[1]>[0], ...args: unknown[]) => {
      try {
        trusted(event);
        return fn(...(args as A));
      } catch (error) {
        const refusal = error instanceof BridgeRefused ? error : new BridgeRefused("bad_message", error instanceof Error ? error.message : String(error));
        log(refusal);
        throw refusal;
      }
    };
  const parsed = <T>(schema: z.ZodType<T>, value: unknown): T => {
    const result = schema.safeParse(value);
    if (!result.success) throw new BridgeRefused("bad_message", `bad bridge arguments: ${result.error.issues[0]?.message ?? "invalid"}`);
    return result.data;
  };

  ipc.handle(CHANNELS.accessToken, guard(() => backend.accessToken()));
  ipc.handle(CHANNELS.proveDevice, guard((...args: unknown[]) => backend.proveDevice(...parsed(ProveArgs, args))));
  ipc.handle(CHANNELS.permissions, guard(() => backend.permissions()));
  ipc.handle(CHANNELS.openPermissionSettings, guard((pane: unknown) => backend.openPermissionSettings(parsed(PermissionPane, pane))));
  ipc.handle(CHANNELS.displays, guard(() => backend.displays()));
  ipc.handle(CHANNELS.selectDisplay, guard((id: unknown) => backend.selectDisplay(parsed(DisplayChoice.shape.id, id))));
  ipc.handle(CHANNELS.confirmControl, guard((grant: unknown) => backend.confirmControl(parsed(ControlGrantText, grant))));
  ipc.handle(CHANNELS.reopen, guard((code: unknown) => backend.reopen(parsed(SessionCodeText, code))));
  ipc.handle(CHANNELS.clipboardWrite, guard((sessionId: unknown, text: unknown) => backend.clipboard.write(sessionId, text)));
  ipc.handle(CHANNELS.clipboardRead, guard((sessionId: unknown) => backend.clipboard.read(sessionId)));
  // Fire-and-forget channels: a refusal is logged, never thrown back into the page.
  const quietly =
    (fn: (...args: unknown[]) => void) =>
    (event: Parameters<Parameters<IpcMainLike["on"]>[1]>[0], ...args: unknown[]) => {
      try {
        guard(fn)(event, ...args);
      } catch {
        /* logged by guard */
      }
    };
  ipc.on(
    CHANNELS.sessionChanged,
    quietly((view, name) => {
      backend.relay.sessionChanged(view);
      // Parsed once for the rest (the relay parses its own: it is the gate, and tested on raw input).
      const state = parsed(SessionView.nullable(), view);
      const helperName = parsed(HelperName, name ?? null);
      backend.overlays.sessionChanged(state);
      backend.clipboard.sessionChanged(state, helperName);
      backend.helping(state, helperName);
    }),
  );
  ipc.on(CHANNELS.input, quietly((sessionId, event) => void backend.relay.input(sessionId, event)));
  ipc.on(CHANNELS.annotate, quietly((sessionId, annotation) => void backend.overlays.annotate(sessionId, annotation)));
  ipc.on(CHANNELS.offered, quietly((helper) => backend.offered(parsed(OfferedHelper, helper))));
  ipc.on(CHANNELS.languageChosen, quietly((code) => backend.languageChosen(parsed(LanguageChoice, code))));
}
