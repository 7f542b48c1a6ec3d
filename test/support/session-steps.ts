import type { Level } from "../../src/protocol/index.js";
import type { BrokerClient } from "../../tools/broker-client.js";
import type { Harness } from "./broker-harness.js";

/** The steps most journeys start with, through the real broker. */
export async function createAndJoin(h: Harness, helperSub = "helper-ana", sharerSub = "sharer-sam") {
  const helper = await h.signIn(helperSub, { name: "Ana Helper" });
  const sharer = await h.signIn(sharerSub, { name: "Sam Sharer" });
  const created = await helper.request({ type: "session.create" }, "session.created");
  const joined = await sharer.request({ type: "session.join", code: created.code }, "session.joined");
  await helper.next("session.peer_joined");
  return { helper, sharer, created, joined, sessionId: created.session.sessionId };
}

/** Helper asks for a level, sharer allows; both see it active. */
export async function grant(helper: BrokerClient, sharer: BrokerClient, sessionId: string, level: Level) {
  helper.send({ type: "session.request", sessionId, level });
  await sharer.next((m) => m.type === "session.state" && m.session.status === "requested" && m.session.requestedLevel === level);
  await helper.next((m) => m.type === "session.state" && m.session.status === "requested");
  sharer.send({ type: "session.consent", sessionId, allow: true });
  const isActive = (m: Parameters<Parameters<BrokerClient["next"]>[0] & object>[0]) =>
    m.type === "session.state" && m.session.status === "active" && m.session.level === level;
  await Promise.all([helper.next(isActive), sharer.next(isActive)]);
}

/** The error code a request was refused with, or "accepted". */
export function refusal(answer: Promise<unknown>): Promise<string> {
  return answer.then(
    () => "accepted",
    (e: { code: string }) => e.code,
  );
}
