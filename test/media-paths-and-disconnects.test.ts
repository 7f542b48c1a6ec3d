import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startXvfb, type XDisplay } from "../tools/x-display.js";
import { browserStackMissing, launchHelperBrowser, launchSharerBrowser, newPage, type SharerBrowser, signIn } from "./support/browsers.js";
import { coturnInstalled, startCoturn } from "./support/coturn.js";
import { northwind } from "./support/demo-people.js";
import { type IdpHarness, startIdpHarness } from "./support/idp-harness.js";
import { saveScreenshot } from "./support/screenshots.js";
import { goToPage, near, newSessionCode, openConsole, pixelAt, requestViewAndAllow, sharerJoins, waitForFrames } from "./support/web-session-steps.js";
import { describeNeeding } from "./support/needs.js";

/**
 * The media path's guarantees with real browsers: the verification code
 * exposes a swapped DTLS fingerprint, media flows through a real coturn with
 * ephemeral credentials when the tenant hides sharers' addresses, and a
 * sharer whose browser is killed is reported within seconds.
 */
const missing = browserStackMissing() ?? (coturnInstalled() ? null : "coturn is not installed (apt-get install coturn)");
const SECRET = "media-test-turn-secret";

describeNeeding(missing)("media paths, verification and disconnects in real browsers", () => {
  let h: IdpHarness;
  let x: XDisplay;
  let turn: { port: number; stop: () => void };
  let helperBrowser: Browser;

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    turn = await startCoturn(SECRET);
    [h, x, helperBrowser] = await Promise.all([
      startIdpHarness({
        turnUrls: `turn:127.0.0.1:${turn.port}?transport=udp`,
        turnSecret: SECRET,
        defaultTenantSettings: { allowUnenrolledDevices: true, reconnectGraceSeconds: 3 },
      }),
      startXvfb(),
      launchHelperBrowser(),
    ]);
    await x.marker({ x: 0, y: 0, width: 480, height: 320, color: "#00ff00" });
  }, 60_000);

  afterAll(async () => {
    await helperBrowser?.close();
    x?.stop();
    await h?.close();
    turn?.stop();
  });

  async function withSharer<T>(fn: (sharer: SharerBrowser) => Promise<T>): Promise<T> {
    const sharer = await launchSharerBrowser(x.display);
    try {
      return await fn(sharer);
    } finally {
      await sharer.close();
    }
  }

  it("shows different verification codes when the DTLS fingerprint is swapped in transit", { timeout: 60_000 }, async () => {
    await withSharer(async (sharerBrowser) => {
      const helper = await newPage(helperBrowser);
      // A man in the middle of signaling: the sharer's offer reaches the helper with another fingerprint.
      await helper.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(m));
        server.onMessage((m) => ws.send(typeof m === "string" && m.includes('"signal.offer"') ? swapFingerprint(m) : m));
      });
      await signIn(helper, h.origin, "/", northwind.operator);
      const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, await newSessionCode(helper));
      await helper.getByTestId("trust-screen").waitFor();
      await requestViewAndAllow(helper, sharer);
      const helperCode = await helper.getByTestId("verification-code").locator("strong").textContent();
      const sharerCode = await sharer.getByTestId("verification-code").locator("strong").textContent();
      expect(helperCode).toMatch(/^\d{3} \d{3}$/);
      expect(sharerCode).toMatch(/^\d{3} \d{3}$/);
      expect(helperCode).not.toBe(sharerCode);
      await Promise.all([helper.context().close(), sharer.context().close()]);
    });
  });

  it("relays the sharer's screen through coturn with short-lived credentials when the tenant hides sharers' addresses", { timeout: 60_000 }, async () => {
    await withSharer(async (sharerBrowser) => {
      const admin = await openConsole(helperBrowser, h.origin, northwind.admin);
      await goToPage(admin, "Settings");
      await admin.getByTestId("setting-relayOnlyForSharers").check();
      await admin.getByTestId("save-settings").click();
      await admin.getByText("Saved.").waitFor();

      const helper = await newPage(helperBrowser);
      await helper.addInitScript(recordPeerConnection);
      await signIn(helper, h.origin, "/", northwind.operator);
      const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, await newSessionCode(helper));
      await helper.getByTestId("trust-screen").waitFor();
      await requestViewAndAllow(helper, sharer);
      const video = await waitForFrames(helper, 10);
      expect(video.width).toBe(1920);
      expect(near(await pixelAt(helper, 0.05, 0.05), [0, 255, 0])).toBe(true);
      // The helper's end of the selected pair talks to a relayed candidate: the sharer's address never reached it.
      expect(await selectedRemoteCandidateType(helper)).toBe("relay");

      await admin.getByTestId("setting-relayOnlyForSharers").uncheck();
      await admin.getByTestId("save-settings").click();
      await admin.getByText("Saved.").waitFor();
      await Promise.all([admin.context().close(), helper.context().close(), sharer.context().close()]);
    });
  });

  it("tells the helper at once when the sharer's browser is killed, and ends the session when they do not come back", { timeout: 60_000 }, async () => {
    const sharerBrowser = await launchSharerBrowser(x.display);
    const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
    const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, await newSessionCode(helper));
    await helper.getByTestId("trust-screen").waitFor();
    await requestViewAndAllow(helper, sharer);
    await waitForFrames(helper, 3);

    const killedAt = Date.now();
    await sharerBrowser.kill();
    await helper.getByTestId("sharer-away").waitFor({ timeout: 5_000 });
    const toldMs = Date.now() - killedAt;
    expect(await helper.getByTestId("sharer-away").textContent()).toContain("The person's connection was lost");
    await helper.getByTestId("session-ended").waitFor({ timeout: 10_000 });
    const endedMs = Date.now() - killedAt;
    expect(await helper.getByTestId("end-reason").textContent()).toBe("The connection to Sam Okafor was lost for 3 seconds and did not come back.");
    console.log(`sharer's browser killed: helper told in ${toldMs} ms; session ended (grace 3 s) after ${endedMs} ms`);
    expect(toldMs).toBeLessThan(2_000);
    await helper.context().close();
  });

  it("tells the sharer in words when the helper's connection is gone for good: for how long, and that nothing is shared any more", { timeout: 60_000 }, async () => {
    await withSharer(async (sharerBrowser) => {
      const helper = await openConsole(helperBrowser, h.origin, northwind.operator);
      const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, await newSessionCode(helper));
      await requestViewAndAllow(helper, sharer);
      await helper.context().close(); // the helper's browser goes away
      await sharer.getByTestId("helper-away").waitFor({ timeout: 5_000 });
      await sharer.getByTestId("sharer-ended").waitFor({ timeout: 10_000 });
      expect(await sharer.getByTestId("sharer-end-reason").textContent()).toBe("The connection to Hugo Moreau was lost for 3 seconds and did not come back. Nothing is shared any more.");
      expect(await sharer.getByTestId("sharing-bar").count()).toBe(0);
      await sharer.getByTestId("get-help-again").waitFor();
      await sharer.context().close();
    });
  });

  it("lays out right to left in Arabic, on both pages, in every state", { timeout: 60_000 }, async () => {
    await withSharer(async (sharerBrowser) => {
      const helper = await openConsole(helperBrowser, h.origin, northwind.operator, "ar");
      expect(await helper.evaluate(() => document.documentElement.dir)).toBe("rtl");
      expect(await helper.getByTestId("new-session").textContent()).toBe("جلسة جديدة");
      await saveScreenshot(helper, "console-home-ar");
      const code = await newSessionCode(helper);
      await saveScreenshot(helper, "console-code-ar");
      const sharer = await sharerJoins(sharerBrowser.browser, h.origin, northwind.sharer, code, { locale: "ar" });
      expect(await sharer.evaluate(() => document.documentElement.dir)).toBe("rtl");
      await helper.getByTestId("trust-screen").waitFor();
      await saveScreenshot(helper, "console-trust-ar");
      await helper.getByTestId("request-view").click();
      await sharer.getByTestId("sharer-trust").waitFor();
      await saveScreenshot(sharer, "sharer-trust-ar");
      await sharer.getByTestId("allow").click();
      await waitForFrames(helper, 3);
      await helper.getByTestId("chat-input").fill("مرحبا سام، أرى شاشتك الآن.");
      await helper.getByTestId("chat-input").press("Enter");
      await expect.poll(() => sharer.getByTestId("chat-line").count()).toBe(1);
      await saveScreenshot(helper, "console-active-ar");
      await saveScreenshot(sharer, "sharer-active-ar");
      await sharer.getByTestId("stop-sharing").click();
      await helper.getByTestId("session-ended").waitFor();
      expect(await helper.getByTestId("end-reason").textContent()).toBe("أنهى Sam Okafor الجلسة.");
      await saveScreenshot(helper, "console-ended-ar");
      await saveScreenshot(sharer, "sharer-ended-ar");
      await Promise.all([helper.context().close(), sharer.context().close()]);
    });
  });
});

/** Test instrumentation: keeps the page's RTCPeerConnection in window.__tandemPeer. */
function recordPeerConnection() {
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      (window as unknown as { __tandemPeer: RTCPeerConnection }).__tandemPeer = this;
    }
  } as typeof RTCPeerConnection;
}

/** Changes one byte of the SDP's DTLS fingerprint inside a signal.offer frame. */
function swapFingerprint(frame: string): string {
  const message = JSON.parse(frame) as { sdp: string };
  message.sdp = message.sdp.replace(/(a=fingerprint:sha-256 )([0-9A-F]{2})/, (_all, head: string, byte: string) => head + (byte === "00" ? "01" : "00"));
  return JSON.stringify(message);
}

/** The candidate type at the far end of the helper's selected ICE pair, read from the page's own stats. */
async function selectedRemoteCandidateType(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const pc = (window as unknown as { __tandemPeer?: RTCPeerConnection }).__tandemPeer;
    if (!pc) return null;
    const stats = await pc.getStats();
    let type: string | null = null;
    stats.forEach((s: Record<string, unknown>) => {
      if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded") {
        const remote = stats.get(s.remoteCandidateId as string) as { candidateType?: string } | undefined;
        type = remote?.candidateType ?? null;
      }
    });
    return type;
  });
}
