import { randomBytes } from "node:crypto";
import { WebSocket } from "ws";
import { CODE_ALPHABET } from "../../src/protocol/codes.js";
import { BrokerClient } from "../../tools/broker-client.js";
import { HttpSession, loginFormAction } from "../../tools/http-session.js";

/**
 * One flood against a running broker, in its own process (so its CPU is not
 * the bystander's), until its time is up; prints what it got back as JSON.
 * Run by bench/abuse/run.ts: `tsx bench/abuse/flood.ts '<json FloodPlan>'`.
 */
export type FloodKind = "junk" | "message-flood" | "history-hoarding" | "sign-in-page" | "code-guessing";

export interface FloodPlan {
  kind: FloodKind;
  origin: string;
  wsUrl: string;
  ca: string;
  durationMs: number;
  /** Desktop access tokens of people the flood signs in as. */
  tokens: string[];
}

const plan = JSON.parse(process.argv[2]!) as FloodPlan;
const deadline = Date.now() + plan.durationMs;
const going = () => Date.now() < deadline;
const tally = new Map<string, number>();
const count = (what: string, n = 1) => tally.set(what, (tally.get(what) ?? 0) + n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokenAt = (i: number) => plan.tokens[i % plan.tokens.length]!;

/** Runs `n` copies of a loop until the deadline; a loop that throws counts its error and starts again. */
async function loops(n: number, body: (i: number) => Promise<void>) {
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      while (going()) {
        try {
          await body(i);
        } catch (error) {
          count(`error: ${(error as Error).message.slice(0, 60)}`);
          await sleep(50);
        }
      }
    }),
  );
}

/** Sends as fast as the socket drains, until the broker closes it or time is up; returns the close code. */
async function pump(client: BrokerClient, frame: () => string | Buffer): Promise<number> {
  let closed: number | null = null;
  void client.closed.then((c) => (closed = c.code));
  while (going() && closed === null) {
    for (let i = 0; i < 100 && client.socket.readyState === WebSocket.OPEN; i++) client.sendRaw(frame());
    count("frames sent", 100);
    await sleep(client.socket.bufferedAmount > 1 << 20 ? 20 : 1);
  }
  if (closed === null) client.kill();
  return (await client.closed).code;
}

const floods: Record<FloodKind, () => Promise<void>> = {
  // Unauthenticated: garbage frames on sockets that never say hello, and API calls with made-up tokens.
  async junk() {
    await Promise.all([
      loops(20, async () => {
        const client = await BrokerClient.connect(plan.wsUrl, { ca: plan.ca });
        count(`closed ${await pump(client, () => randomBytes(200))}`);
      }),
      loops(10, async () => {
        const browser = new HttpSession(plan.ca);
        const answer = await browser.request("GET", `${plan.origin}/api/settings`, { headers: { authorization: `Bearer ${randomBytes(24).toString("base64url")}` } });
        count(`HTTP ${answer.status}`);
      }),
    ]);
  },
  // Signed in: heartbeats far over the message rate, from 20 connections; closed ones come back.
  async "message-flood"() {
    await loops(20, async (i) => {
      const client = await BrokerClient.signIn(plan.wsUrl, tokenAt(i), { ca: plan.ca });
      client.stopHeartbeats();
      count(`closed ${await pump(client, () => '{"type":"heartbeat"}')}`);
    });
  },
  // A party in a session with a long chat asks for history ten times a second and never reads.
  async "history-hoarding"() {
    const helper = await BrokerClient.signIn(plan.wsUrl, plan.tokens[0]!, { ca: plan.ca });
    const created = await helper.request({ type: "session.create" }, "session.created");
    const sessionId = created.session.sessionId;
    const sharer = await BrokerClient.signIn(plan.wsUrl, plan.tokens[1]!, { ca: plan.ca });
    await sharer.request({ type: "session.join", code: created.code }, "session.joined");
    const long = "长".repeat(4000);
    // 150 messages of 12 KB (within the message burst): pages of 64 KiB to ask for.
    await Promise.all(Array.from({ length: 150 }, (_, i) => helper.request({ type: "chat.send", sessionId, clientMsgId: `fill-${i}`, text: `${i} ${long}` }, "chat.ack", 30_000).catch(() => count("fill refused"))));
    await loops(10, async () => {
      const hoarder = await BrokerClient.signIn(plan.wsUrl, plan.tokens[0]!, { ca: plan.ca });
      hoarder.stopHeartbeats();
      (hoarder.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      let closed: number | null = null;
      void hoarder.closed.then((c) => (closed = c.code));
      while (going() && closed === null) {
        hoarder.send({ type: "chat.history", sessionId });
        count("history asked");
        await sleep(100);
      }
      if (closed === null) hoarder.kill();
      count(`closed ${(await hoarder.closed).code}`);
    });
    helper.kill();
    sharer.kill();
  },
  // Wrong passwords on real login pages, and posts to made-up interactions.
  async "sign-in-page"() {
    await Promise.all([
      // Each loop keeps posting to its login page (new pages are capped per address).
      loops(10, async (i) => {
        const browser = new HttpSession(plan.ca);
        const page = await browser.follow(`${plan.origin}/auth/login`);
        const action = loginFormAction(page);
        if (!action) return void count(`no login page (HTTP ${page.status})`);
        for (let n = 0; going(); n++) {
          const answer = await browser.request("POST", action, { form: { username: n % 2 ? "sam@northwind.test" : `guess-${i}-${n}@northwind.test`, password: randomBytes(6).toString("hex"), otp: "" } });
          count(`login POST ${answer.status}`);
        }
      }),
      loops(10, async () => {
        const answer = await new HttpSession(plan.ca).request("POST", `${plan.origin}/idp/interaction/${randomBytes(8).toString("hex")}`, { form: { username: "sam@northwind.test", password: "guess" } });
        count(`made-up interaction ${answer.status}`);
      }),
    ]);
  },
  // Random codes from many connections of a few people.
  async "code-guessing"() {
    await loops(50, async (i) => {
      const guesser = await BrokerClient.signIn(plan.wsUrl, tokenAt(i), { ca: plan.ca });
      while (going()) {
        const code = Array.from(randomBytes(8), (b) => CODE_ALPHABET[b % 32]).join("");
        const answer = await guesser.request({ type: "session.join", code }, "session.joined").then(
          () => "joined",
          (e: { code?: string }) => e.code ?? "error",
        );
        count(`join: ${answer}`);
      }
      guesser.kill();
    });
  },
};

await floods[plan.kind]();
process.stdout.write(`${JSON.stringify(Object.fromEntries(tally))}\n`);
process.exit(0);
