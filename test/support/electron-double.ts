import { EventEmitter } from "node:events";

/**
 * A scripted double of the part of Electron's API that src/main/main.ts and
 * src/preload/preload.ts use, so both files run in tests on machines where
 * Electron's binary cannot (loaded with vi.doMock("electron")). It records
 * what main does (windows, IPC handlers, dialogs, shortcuts, messages to the
 * agent) and lets a test send what the OS and Electron would (app events in
 * a platform's order, a dialog's answer, the hotkey). The renderer's side
 * (contextBridge, ipcRenderer) is wired to the same ipcMain, so the real
 * preload's calls reach main's real handlers.
 */
type Listener = (...args: unknown[]) => unknown;
export type Frame = { url: string; parent: unknown };

export class WindowDouble extends EventEmitter {
  static all: WindowDouble[] = [];
  readonly loaded: string[] = [];
  readonly sent: [string, unknown[]][] = [];
  focused = 0;
  shown = false;
  destroyed = false;
  minimized = false;
  openHandler: ((details: { url: string }) => unknown) | null = null;
  /** Script main ran in the window's page (the overlay's drawing). */
  readonly executed: string[] = [];
  ignoresMouse = false;
  contentProtected = false;
  readonly webContents: EventEmitter & { send(channel: string, ...args: unknown[]): void; setWindowOpenHandler(fn: (d: { url: string }) => unknown): void; getURL(): string; executeJavaScript(code: string): Promise<unknown> };
  constructor(readonly options: Record<string, unknown>) {
    super();
    WindowDouble.all.push(this);
    const contents = new EventEmitter() as WindowDouble["webContents"];
    contents.send = (channel, ...args) => {
      this.sent.push([channel, args]);
      renderer.deliver(channel, args);
    };
    contents.setWindowOpenHandler = (fn) => (this.openHandler = fn);
    contents.getURL = () => this.loaded.at(-1) ?? "";
    contents.executeJavaScript = async (code) => void this.executed.push(code);
    this.webContents = contents;
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  isMinimized = () => this.minimized;
  restore = () => void (this.minimized = false);
  focus = () => void this.focused++;
  show = () => void (this.shown = true);
  showInactive = () => void (this.shown = true);
  destroy = () => void (this.destroyed = true);
  setAlwaysOnTop = () => undefined;
  setVisibleOnAllWorkspaces = () => undefined;
  setIgnoreMouseEvents = (ignore: boolean) => void (this.ignoresMouse = ignore);
  setContentProtection = (enable: boolean) => void (this.contentProtected = enable);
}

/** The renderer side: what the preload's ipcRenderer sends lands in main's ipcMain, from a frame with this URL. */
const renderer = {
  frame: { url: "", parent: null } as Frame,
  listeners: new Map<string, Listener[]>(),
  deliver(channel: string, args: unknown[]) {
    for (const fn of this.listeners.get(channel) ?? []) fn({}, ...args);
  },
};

export function createElectronDouble(o: { userData: string; platform?: string; packaged?: boolean }) {
  WindowDouble.all = [];
  renderer.listeners.clear();
  let markReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (markReady = resolve));
  const app = Object.assign(new EventEmitter(), {
    isPackaged: o.packaged ?? false,
    requestSingleInstanceLock: () => true,
    quit: () => void app.emit("will-quit", { preventDefault: () => undefined }),
    exit: (code: number) => void (record.exitCode = code),
    whenReady: () => readyPromise,
    setAsDefaultProtocolClient: () => true,
    getPath: () => o.userData,
    getVersion: () => "1.0.0",
    getLocale: () => "fr-FR",
  });
  const handlers = new Map<string, Listener>();
  const onListeners = new Map<string, Listener>();
  const shortcuts = new Map<string, () => void>();
  const record = {
    exitCode: null as number | null,
    errorBoxes: [] as [string, string][],
    dialogs: [] as Record<string, unknown>[],
    toAgent: [] as unknown[],
    agentKilled: false,
    quitAndInstall: 0,
    trayTooltips: [] as string[],
    notifications: [] as { title: string; body: string; clicked: () => void }[],
    /** Main's will-download handler on the page's session. */
    willDownload: null as ((event: { preventDefault(): void }, item: { getURL(): string; getFilename(): string; setSaveDialogOptions(o: { defaultPath: string }): void }) => void) | null,
  };
  /** What the next consent dialog answers (its button index). */
  let dialogAnswer = 0;
  const agent = Object.assign(new EventEmitter(), {
    postMessage: (message: unknown) => void record.toAgent.push(message),
    kill: () => void (record.agentKilled = true),
  });
  const autoUpdater = Object.assign(new EventEmitter(), {
    autoInstallOnAppQuit: false,
    setFeedURL: () => undefined,
    checkForUpdates: () => Promise.resolve(null),
    quitAndInstall: () => void record.quitAndInstall++,
  });
  const screenDouble = Object.assign(new EventEmitter(), {
    getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1050 }, scaleFactor: 1, size: { width: 1920, height: 1080 }, label: "Screen 1", internal: true }],
    getPrimaryDisplay: () => screenDouble.getAllDisplays()[0]!,
    dipToScreenRect: (_w: unknown, rect: unknown) => rect,
  });
  const schemes: { privileged: unknown[]; handlers: Map<string, (request: { url: string }) => Promise<Response>> } = { privileged: [], handlers: new Map() };
  const pageSession = {
    protocol: { handle: (scheme: string, fn: (request: { url: string }) => Promise<Response>) => void schemes.handlers.set(scheme, fn) },
    setPermissionRequestHandler: () => undefined,
    setPermissionCheckHandler: () => undefined,
    setDisplayMediaRequestHandler: () => undefined,
    setCertificateVerifyProc: () => undefined,
    webRequest: { onHeadersReceived: () => undefined },
    on: (event: string, listener: NonNullable<typeof record.willDownload>) => void (event === "will-download" && (record.willDownload = listener)),
  };

  const module = {
    app,
    BrowserWindow: WindowDouble,
    protocol: { registerSchemesAsPrivileged: (list: unknown[]) => void schemes.privileged.push(...list) },
    desktopCapturer: { getSources: async () => [{ id: "screen:1", display_id: "1", name: "Screen 1" }] },
    dialog: {
      showErrorBox: (title: string, text: string) => void record.errorBoxes.push([title, text]),
      showMessageBox: async (...args: unknown[]) => {
        record.dialogs.push(args.at(-1) as Record<string, unknown>);
        return { response: dialogAnswer };
      },
    },
    globalShortcut: { register: (accelerator: string, fn: () => void) => (shortcuts.set(accelerator, fn), true), unregisterAll: () => shortcuts.clear() },
    ipcMain: { handle: (channel: string, fn: Listener) => handlers.set(channel, fn), on: (channel: string, fn: Listener) => onListeners.set(channel, fn) },
    Menu: { buildFromTemplate: (template: unknown) => template },
    nativeImage: { createFromPath: () => ({}) },
    // A keystore that works: what it "encrypts" is only base64, which is enough to test the flow.
    safeStorage: { isEncryptionAvailable: () => true, encryptString: (s: string) => Buffer.from(Buffer.from(s).toString("base64")), decryptString: (b: Buffer) => Buffer.from(b.toString(), "base64").toString() },
    screen: screenDouble,
    session: { defaultSession: pageSession },
    shell: { openExternal: async () => undefined },
    Notification: class extends EventEmitter {
      constructor(private readonly options: { title: string; body: string }) {
        super();
      }
      show = () => void record.notifications.push({ ...this.options, clicked: () => void this.emit("click") });
    },
    Tray: class {
      setToolTip = (text: string) => void record.trayTooltips.push(text);
      setContextMenu = () => undefined;
    },
    utilityProcess: { fork: () => agent },
    // The renderer's half, for the preload.
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void (exposed[name] = api) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => handlers.get(channel)!({ senderFrame: renderer.frame }, ...args),
      send: (channel: string, ...args: unknown[]) => void onListeners.get(channel)?.({ senderFrame: renderer.frame }, ...args),
      on: (channel: string, fn: Listener) => void renderer.listeners.set(channel, [...(renderer.listeners.get(channel) ?? []), fn]),
    },
  };
  const exposed: Record<string, unknown> = {};

  return {
    module,
    updaterModule: { default: { autoUpdater } },
    record,
    exposed,
    agent,
    autoUpdater,
    windows: () => WindowDouble.all,
    /** Custom schemes main declared privileged, and how it answers them. */
    schemes,
    /** app.whenReady() resolves. */
    ready: () => markReady(),
    /** The OS opens a link (macOS: open-url, on a cold start before ready). */
    openUrl: (url: string) => app.emit("open-url", { preventDefault: () => undefined }, url),
    /** A second launch hands its argv over (Windows and Linux links, `--code`). */
    secondInstance: (argv: string[]) => app.emit("second-instance", {}, argv),
    pressShortcut: (accelerator: string) => shortcuts.get(accelerator)?.(),
    answerDialogs: (button: number) => (dialogAnswer = button),
    /** The frame the renderer's calls come from (the sharer window's top frame, or an iframe). */
    setFrame: (frame: Frame) => (renderer.frame = frame),
    handlers,
    onListeners,
  };
}
export type ElectronDouble = ReturnType<typeof createElectronDouble>;
