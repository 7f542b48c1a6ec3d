import { type ShownError, shownError } from "../web-client/session-common.js";

/**
 * The screen the sharer shares: captured only on their click, watched so the
 * browser's own "Stop sharing" ends the session, hidden while paused, and
 * swapped for another display without that swap counting as a stop.
 */
export class SharedScreen {
  private stream: MediaStream | null = null;
  private paused = false;

  constructor(
    private readonly captureScreen: () => Promise<MediaStream>,
    private readonly onStoppedInBrowser: () => void,
  ) {}

  get current(): MediaStream | null {
    return this.stream;
  }

  /** Captures the screen (the caller's click is the gesture the browser wants). */
  async capture(): Promise<MediaStream> {
    this.stream = this.watched(await this.captureScreen());
    this.applyPause();
    return this.stream;
  }

  /** Captures another display; `use` puts it on the link, and only then is the old one stopped. */
  async replace(use: (next: MediaStream) => Promise<void>): Promise<void> {
    const next = this.watched(await this.captureScreen());
    const previous = this.stream;
    await use(next);
    this.stream = next;
    this.applyPause();
    for (const track of previous?.getTracks() ?? []) {
      track.removeEventListener("ended", this.onEnded); // stopping the old screen is not the sharer stopping
      track.stop();
    }
  }

  /** A paused screen sends no picture (the track is disabled, so the helper sees black). */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.applyPause();
  }

  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
  }

  private applyPause() {
    for (const track of this.stream?.getVideoTracks() ?? []) track.enabled = !this.paused;
  }

  private watched(stream: MediaStream): MediaStream {
    for (const track of stream.getVideoTracks()) track.addEventListener("ended", this.onEnded);
    return stream;
  }

  private readonly onEnded = () => this.onStoppedInBrowser();
}

/** Why a screen could not be captured, in the page's words (the browser's own message as the detail). */
export function captureErrorShown(error: unknown): ShownError {
  return error instanceof DOMException ? { key: "error.capture", values: { detail: error.message } } : shownError(error);
}
