import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCsv } from "../src/server/http/csv.js";
import { type Harness, startHarness } from "./support/broker-harness.js";
import { createAndJoin } from "./support/session-steps.js";

/** Issue 14's smaller items, each tried as an attacker would. */
describe("the smaller holes stay closed", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("answers every HTTPS response with HSTS, the identity provider's too", async () => {
    for (const path of ["/healthz", "/no-such-page", "/idp/.well-known/openid-configuration"]) {
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) =>
        https.get(`${h.httpsOrigin}${path}`, { ca: h.ca }, (res) => (res.resume(), resolve(res.headers))).on("error", reject),
      );
      expect(headers["strict-transport-security"], path).toBe("max-age=31536000");
    }
  });

  it("quotes every CSV cell that holds a separator, so a formula cannot start a cell in a spreadsheet that splits on ; or tab", () => {
    const csv = toCsv(["name", "n"], [["Sam;=cmd|' /C calc'!A0", 1], ["tab\t=1+1", 2], ["plain", 3]]);
    expect(csv.split("\r\n").slice(1, 4)).toEqual([`"Sam;=cmd|' /C calc'!A0",1`, `"tab\t=1+1",2`, "plain,3"]);
    // Split the way a semicolon-separated spreadsheet would, honouring quotes: no cell starts with =.
    const cells = csv.match(/"(?:[^"]|"")*"|[^,;\t\r\n]+/g)!;
    expect(cells.filter((c) => c.startsWith("="))).toEqual([]);
  });

  it("stores a chat message resent with the same clientMsgId once: the same seq back, and the peer sees it once", async () => {
    const { helper, sharer, sessionId } = await createAndJoin(h, "helper-idem", "sharer-idem");
    const send = () => sharer.request({ type: "chat.send", sessionId, clientMsgId: "resend-1", text: "is this on?" }, "chat.ack");
    const [first, resent] = [await send(), await send()];
    expect(resent.seq).toBe(first.seq);
    await helper.next("chat.message");
    const history = await helper.request({ type: "chat.history", sessionId }, "chat.history");
    expect(history.messages.map((m) => m.text)).toEqual(["is this on?"]);
    await expect(helper.next("chat.message", 300)).rejects.toThrow();
  });
});
