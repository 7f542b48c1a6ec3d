import { execFileSync } from "node:child_process";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type BridgeBackend, type IpcMainLike, registerBridge } from "../src/main/bridge-channels.js";
import { type ConsentRefusal, createControlConsent } from "../src/main/control-consent.js";
import { createInputRelay, type InputRelay } from "../src/main/input-relay.js";
import { BRIDGE_CHANNELS, CONTROL_GRANT_AUDIENCE, CONTROL_GRANT_KEYS_PATH, type Party, type SessionView } from "../src/protocol/index.js";
import { type AgentProcess, startAgent } from "../tools/agent-process.js";
import type { BrokerClient } from "../tools/broker-client.js";
import { fetchJson } from "../tools/desktop-stand-in.js";
import { startXvfb, type XDisplay, xvfbInstalled } from "../tools/x-display.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { describeNeeding } from "./support/needs.js";

/**
 * A page that wants control without the sharer's click in main's own prompt:
 * it reports `control` itself, replays a grant, brings another session's,
 * forges one, or uses an expired one. Main's real relay and consent check sit
 * in front of the real agent injecting into Xvfb; the X server's pointer says
 * whether anything got through.
 */
const missing = !xvfbInstalled() ? "Xvfb is not installed" : null;

describeNeeding(missing)("control that needs the sharer's click in main's prompt", () => {
  let h: Harness;
  let x: XDisplay;
  let agent: AgentProcess;
  beforeAll(async () => {
    [h, x] = await Promise.all([startHarness(), startXvfb()]);
    agent = await startAgent(x.display);
  }, 60_000);
  afterAll(async () => {
    await agent?.stop();
    x?.stop();
    await h?.close();
  });

  const pointer = () => {
    const m = /x:(\d+) y:(\d+)/.exec(execFileSync("xdotool", ["getmouselocation"], { env: { ...process.env, DISPLAY: x.display }, encoding: "utf8" }))!;
    return { x: Number(m[1]), y: Number(m[2]) };
  };
  const moveTo = (relay: InputRelay, sessionId: string, px: number, py: number) => relay.input(sessionId, { t: "move", x: px / 1919, y: py / 1079 });
  /** Let the agent act on whatever it was sent, then read the X pointer. */
  const settledPointer = async () => {
    await new Promise((r) => setTimeout(r, 150));
    return pointer();
  };
  const active = (sessionId: string, patch: Partial<SessionView> = {}): SessionView => ({ sessionId, status: "active", level: "control", requestedLevel: null, paused: false, endReason: null, tools: [], toolsOff: [], ...patch });

  /** A session in which the helper asked for control: the grant the broker sent the sharer. */
  async function controlRequested(helperSub: string, sharerSub: string): Promise<{ sessionId: string; grant: string; sharer: BrokerClient }> {
    const helper = await h.signIn(helperSub, { name: "Hugo Moreau" });
    const sharer = await h.signIn(sharerSub);
    const created = await helper.request({ type: "session.create" }, "session.created");
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    helper.send({ type: "session.request", sessionId: created.session.sessionId, level: "control" });
    const offer = await sharer.next("session.control_grant");
    return { sessionId: created.session.sessionId, grant: offer.grant, sharer };
  }

  function mainOf(sharerId = "sam-1") {
    const relay = createInputRelay(agent);
    const shown: Party[] = [];
    const refusals: ConsentRefusal[] = [];
    let answer = true;
    let clock = Date.now();
    const consent = createControlConsent({
      issuer: h.httpsOrigin.replace("127.0.0.1", "localhost"),
      fetchKeys: () => fetchJson(`${h.httpsOrigin}${CONTROL_GRANT_KEYS_PATH}`, h.ca),
      ask: async ({ helper }) => (shown.push(helper), answer),
      relay,
      sharerId: () => sharerId,
      now: () => clock,
      log: (refusal) => refusals.push(refusal),
    });
    return { relay, consent, shown, refusals, answer: (a: boolean) => (answer = a), later: (ms: number) => (clock += ms) };
  }

  it("injects nothing for a page that reports control, replays, forges or brings an expired or another session's grant; the sharer's Allow then works", { timeout: 60_000 }, async () => {
    const { sessionId, grant } = await controlRequested("hugo-1", "sam-1");
    const main = mainOf();
    const start = await settledPointer();

    // 1. The page says "control" by itself.
    main.relay.sessionChanged(active(sessionId));
    expect(moveTo(main.relay, sessionId, 400, 300)).toBe(false);

    // 2. A grant signed by anyone but the broker.
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ sid: sessionId, tid: "northwind.test", lvl: "control", helper: { userId: "x", name: "Mallory", jobTitle: "", company: "", photoUrl: null, verifiedDomain: "northwind.test", tenantName: "Northwind" } })
      .setProtectedHeader({ alg: "ES256", kid: "forged" })
      .setIssuer(h.httpsOrigin.replace("127.0.0.1", "localhost"))
      .setAudience(CONTROL_GRANT_AUDIENCE)
      .setSubject("sam-1")
      .setJti("forged-1")
      .setIssuedAt()
      .setExpirationTime("2m")
      .sign(privateKey);
    expect(await main.consent.confirm(forged)).toEqual({ allowed: false, refusal: "bad_signature" });
    expect(await main.consent.confirm(`${grant.slice(0, -4)}AAAA`)).toMatchObject({ allowed: false });

    // 3. The broker's real grant, but past its expiry.
    main.later(3 * 60_000);
    expect(await main.consent.confirm(grant)).toEqual({ allowed: false, refusal: "expired" });
    main.later(-3 * 60_000);

    // 4. Another sharer's grant, and another session's grant of this sharer.
    const other = await controlRequested("hugo-2", "lea-1");
    expect(await main.consent.confirm(other.grant)).toEqual({ allowed: false, refusal: "wrong_sharer" });
    const second = await controlRequested("hugo-3", "sam-1");
    expect(await main.consent.confirm(second.grant)).toEqual({ allowed: true }); // the sharer allowed *that* session
    expect(moveTo(main.relay, sessionId, 400, 300)).toBe(false); // ...which opens nothing for this one
    expect(main.shown.map((p) => p.userId)).toEqual(["hugo-3"]); // nothing forged or stale reached the prompt

    // 5. The sharer says no in main's prompt.
    main.answer(false);
    expect(await main.consent.confirm(grant)).toEqual({ allowed: false, refusal: "declined" });
    expect(moveTo(main.relay, sessionId, 400, 300)).toBe(false);
    // 6. The same grant again (a page replaying it after the refusal).
    main.answer(true);
    expect(await main.consent.confirm(grant)).toEqual({ allowed: false, refusal: "replayed" });
    expect(await settledPointer()).toEqual(start);

    // The sharer's real click, for this session: now the helper's input moves the X pointer.
    const fresh = await controlRequested("hugo-4", "sam-1");
    expect(await main.consent.confirm(fresh.grant)).toEqual({ allowed: true });
    expect(main.shown.at(-1)).toMatchObject({ userId: "hugo-4", name: "Hugo Moreau" });
    main.relay.sessionChanged(active(fresh.sessionId));
    expect(moveTo(main.relay, fresh.sessionId, 400, 300)).toBe(true);
    await expect.poll(() => pointer(), { timeout: 5_000 }).toEqual({ x: 400, y: 300 });

    // 7. Taken back to view, the page cannot widen it again by saying control: a new click is needed.
    main.relay.sessionChanged(active(fresh.sessionId, { level: "view" }));
    main.relay.sessionChanged(active(fresh.sessionId));
    expect(moveTo(main.relay, fresh.sessionId, 800, 600)).toBe(false);
    expect(await settledPointer()).toEqual({ x: 400, y: 300 });
  });

  it("refuses a grant from an iframe at the bridge, before any check or prompt", async () => {
    const handlers = new Map<string, Parameters<IpcMainLike["handle"]>[1]>();
    const confirmed: unknown[] = [];
    const backend = { confirmControl: async (grant: unknown) => (confirmed.push(grant), true) } as unknown as BridgeBackend;
    registerBridge({ handle: (c, l) => handlers.set(c, l), on: (c, l) => handlers.set(c, l) }, backend, (url) => url.startsWith(h.httpsOrigin));
    const call = handlers.get(BRIDGE_CHANNELS.confirmControl)!;
    await expect(Promise.resolve().then(() => call({ senderFrame: { url: `${h.httpsOrigin}/s`, parent: {} } }, "x.y.z"))).rejects.toMatchObject({ code: "forbidden" });
    await expect(Promise.resolve().then(() => call({ senderFrame: { url: `${h.httpsOrigin}/s`, parent: null } }, "x".repeat(9000)))).rejects.toMatchObject({ code: "bad_message" });
    expect(confirmed).toEqual([]);
  });
});
