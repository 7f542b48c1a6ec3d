/**
 * electron-updater downloads in the background; installing restarts the app,
 * which would cut a helper off mid-session. So an update that is ready waits
 * until no session is running (or the sharer quits), then installs.
 */
export interface Updater {
  quitAndInstall(): void;
}

export function createUpdateGate(updater: Updater) {
  let sessionRunning = false;
  let ready = false;
  const installIfIdle = () => {
    if (ready && !sessionRunning) {
      ready = false;
      updater.quitAndInstall();
    }
  };
  return {
    /** electron-updater's `update-downloaded`. */
    updateDownloaded(): void {
      ready = true;
      installIfIdle();
    },
    /** A session is waiting, active or paused (true) or there is none (false). */
    sessionRunning(running: boolean): void {
      sessionRunning = running;
      installIfIdle();
    },
    get waiting(): boolean {
      return ready;
    },
  };
}

/** The generic feed electron-updater reads: the broker serves it from a folder (TANDEM_UPDATES_DIR) at /updates/. */
export function updateFeed(brokerOrigin: string, channel: "latest" | "beta" = "latest") {
  return { provider: "generic" as const, url: new URL("/updates/", brokerOrigin).toString(), channel };
}
