import type { SharerLink } from "../web-client/sharer-link.js";
import type { Store } from "../web-client/store.js";
import { captureErrorShown, type SharedScreen } from "./shared-screen.js";
import type { SharerHost } from "./sharer-host.js";
import type { SharerState } from "./sharer-state.js";

/**
 * The desktop app's displays in a session: the helper hears which there are,
 * may ask for another, and the sharer decides; the switch happens on the same
 * connection (no renegotiation).
 */
export class SharerDisplays {
  private link: SharerLink | null = null;

  constructor(
    private readonly store: Store<SharerState>,
    private readonly host: SharerHost,
    private readonly screen: SharedScreen,
  ) {}

  /** A new link: it hears the displays whenever its reliable channel opens. */
  use(link: SharerLink | null): void {
    this.link = link;
    if (link && this.host.displays) link.onInputChannelOpen(() => void this.tell());
  }

  /** The helper asks for another screen; the sharer decides (and the click is the gesture capture needs). */
  asked(id: string): void {
    const asked = this.store.get().displays.find((d) => d.id === id && !d.current);
    if (asked) this.store.set({ displayAsked: asked });
  }

  /** Shares another screen (the sharer's click, or their yes to the helper's ask). */
  async show(id: string): Promise<void> {
    this.store.set({ displayAsked: null, error: null });
    const link = this.link;
    if (!this.host.selectDisplay || !link || !(await this.host.selectDisplay(id))) return;
    try {
      await this.screen.replace((next) => link.replaceScreen(next));
    } catch (error) {
      this.store.set({ error: captureErrorShown(error) });
    }
    await this.tell();
  }

  decline(): void {
    this.store.set({ displayAsked: null });
  }

  private async tell() {
    const displays = (await this.host.displays?.().catch(() => [])) ?? [];
    this.store.set({ displays });
    this.link?.sendNotice({ t: "displays", displays });
  }
}
