import { performance } from "node:perf_hooks";
import { BrokerClient } from "../tools/broker-client.js";
import { localBrokerAccess } from "./local-tokens.js";

// `npm run demo:pair`: a scripted helper and sharer go through a whole session
// against the running broker (npm start), printing every step.
const { ca, wsUrl, tokenFor } = localBrokerAccess();
const t0 = performance.now();
const step = (who: string, what: string) => console.log(`${(performance.now() - t0).toFixed(0).padStart(6)} ms  ${who.padEnd(7)} ${what}`);

const helper = await BrokerClient.signIn(wsUrl, process.env.TANDEM_HELPER_TOKEN ?? (await tokenFor("hugo@northwind.test")), { ca });
step("helper", "signed in at the IdP as hugo@northwind.test");
const sharer = await BrokerClient.signIn(wsUrl, process.env.TANDEM_SHARER_TOKEN ?? (await tokenFor("sam@northwind.test")), { ca });
step("sharer", "signed in at the IdP as sam@northwind.test");

const created = await helper.request({ type: "session.create" }, "session.created");
const sessionId = created.session.sessionId;
step("helper", `created a session: code ${created.code.toUpperCase()}  link ${created.link}`);

const joined = await sharer.request({ type: "session.join", code: created.code.toUpperCase() }, "session.joined");
const helperProfile = joined.peer!;
step("sharer", `typed the code; trust screen: ${helperProfile.name}, ${helperProfile.jobTitle}, ${helperProfile.company} (verified domain ${helperProfile.verifiedDomain})`);
const sharerProfile = (await helper.next("session.peer_joined")).peer;
step("helper", `trust screen: ${sharerProfile.name}, ${sharerProfile.jobTitle}, ${sharerProfile.company} (verified domain ${sharerProfile.verifiedDomain})`);

const active = (level: string) => (m: { type: string; session?: { status: string; level: string | null } }) =>
  m.type === "session.state" && m.session?.status === "active" && m.session.level === level;

helper.send({ type: "session.request", sessionId, level: "view" });
step("helper", "asks to view the screen");
await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
step("sharer", "is asked for consent (view) and allows");
sharer.send({ type: "session.consent", sessionId, allow: true });
await helper.next(active("view"));
step("helper", "session active, view only");

helper.send({ type: "signal.offer", sessionId, sdp: "v=0\r\n(demo offer)" });
await sharer.next("signal.offer");
step("sharer", "received the SDP offer through the broker");
sharer.send({ type: "signal.answer", sessionId, sdp: "v=0\r\n(demo answer)" });
await helper.next("signal.answer");
step("helper", "received the SDP answer");
sharer.send({ type: "signal.ice", sessionId, candidate: { candidate: "candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", sdpMid: "0", sdpMLineIndex: 0 } });
await helper.next("signal.ice");
step("helper", "received an ICE candidate");

await sharer.request({ type: "chat.send", sessionId, clientMsgId: "1", text: "我的打印机不工作了" }, "chat.ack");
step("helper", `chat: ${(await helper.next("chat.message")).message.text}`);
await helper.request({ type: "chat.send", sessionId, clientMsgId: "2", text: "سأساعدك الآن" }, "chat.ack");
const reply = await sharer.next((m) => m.type === "chat.message" && m.message.from === "helper");
step("sharer", `chat: ${reply.type === "chat.message" ? reply.message.text : ""}`);

helper.send({ type: "session.request", sessionId, level: "control" });
await sharer.next((m) => m.type === "session.state" && m.session.status === "requested");
step("sharer", "is asked to raise to full control and allows");
sharer.send({ type: "session.consent", sessionId, allow: true });
await helper.next(active("control"));
step("helper", "session active, full control");

sharer.send({ type: "session.end", sessionId });
const ended = await helper.next((m) => m.type === "session.state" && m.session.status === "ended");
step("helper", `session ended: ${ended.type === "session.state" ? ended.session.endReason : ""}`);

helper.kill();
sharer.kill();
