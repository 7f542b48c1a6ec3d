import { describe, expect, it } from "vitest";
import type { BrokerConnection } from "../src/web-client/broker-connection.js";
import { ConnectionKeeper } from "../src/web-client/connection-keeper.js";

/** A page's one connection: asked for twice while it opens, it is made and opened once; one that failed is made again. */
function fakeConnection(outcome: Promise<void>) {
  const fake = { status: "connecting", closed: 0, open: () => outcome.then(() => void (fake.status = "connected")), close: () => void ((fake.closed += 1), (fake.status = "closed")) };
  return fake;
}

describe("the page's connection to the broker", () => {
  it("opens once however many ask while it opens (the app's waiting connection, then Join)", async () => {
    let made = 0;
    let resolve!: () => void;
    const hello = new Promise<void>((r) => (resolve = r));
    const keeper = new ConnectionKeeper(() => (made++, fakeConnection(hello) as unknown as BrokerConnection));
    const [first, second] = [keeper.open(), keeper.open()];
    expect(made).toBe(1);
    resolve();
    expect(await first).toBe(await second);
    expect(await keeper.open()).toBe(await first);
    expect(made).toBe(1);
  });

  it("drops a connection that could not open, so the next ask makes a new one", async () => {
    const fakes: ReturnType<typeof fakeConnection>[] = [];
    let fail = true;
    const keeper = new ConnectionKeeper(() => {
      const fake = fakeConnection(fail ? Promise.reject(new Error("offline")) : Promise.resolve());
      fakes.push(fake);
      return fake as unknown as BrokerConnection;
    });
    await expect(keeper.open()).rejects.toThrow("offline");
    expect(keeper.current).toBeNull();
    expect(fakes[0]!.closed).toBe(1);
    fail = false;
    expect(await keeper.open()).toBe(fakes[1]);
    expect(fakes).toHaveLength(2);
  });
});
