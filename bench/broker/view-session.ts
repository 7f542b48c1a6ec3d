import type { BrokerClient } from "../../tools/broker-client.js";

/** A signed-in helper and sharer brought to an active view session (create, join, request, consent); its id. */
export async function openViewSession(helper: BrokerClient, sharer: BrokerClient): Promise<string> {
  const created = await helper.request({ type: "session.create" }, "session.created");
  const sessionId = created.session.sessionId;
  await sharer.request({ type: "session.join", code: created.code }, "session.joined");
  helper.send({ type: "session.request", sessionId, level: "view" });
  await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
  sharer.send({ type: "session.consent", sessionId, allow: true });
  await helper.next((m) => m.type === "session.state" && m.session.status === "active");
  return sessionId;
}
