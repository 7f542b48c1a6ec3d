import WebSocket from "ws";
import type { z } from "zod";
import { type ClientMessage, type DeviceFacts, PROTOCOL_VERSION, ServerMessage } from "../protocol/index.js";
import type { DeviceIdentity } from "./device-identity.js";

/**
 * Registers the device with the broker once (and again when an enrollment
 * token arrives for a device registered without one): sign in with the
 * sharer's token, sign the connection's challenge with the device key, send
 * the managed configuration's enrollment token. The broker decides whether
 * the device counts as enrolled; a wrong token is a typed refusal.
 */
export interface Registration {
  deviceId: string;
  enrolled: boolean;
}

export class EnrollmentRefused extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = "EnrollmentRefused";
  }
}

export async function registerDevice(o: { wsUrl: string; ca?: string; accessToken: string; identity: DeviceIdentity; name: string; facts: z.infer<typeof DeviceFacts>; enrollmentToken?: string; timeoutMs?: number }): Promise<Registration> {
  const socket = new WebSocket(o.wsUrl, o.ca ? { ca: o.ca } : {});
  const inbox: ServerMessage[] = [];
  let wake: (() => void) | null = null;
  socket.on("message", (data: Buffer) => {
    const parsed = ServerMessage.safeParse(JSON.parse(data.toString("utf8")));
    if (parsed.success) inbox.push(parsed.data);
    wake?.();
  });
  const closed = new Promise<never>((_, reject) => socket.once("close", () => reject(new Error("the broker closed the connection"))));
  closed.catch(() => undefined);
  const next = async <T extends ServerMessage["type"]>(type: T, reqId?: string): Promise<Extract<ServerMessage, { type: T }>> => {
    const deadline = Date.now() + (o.timeoutMs ?? 10_000);
    for (;;) {
      const i = inbox.findIndex((m) => m.type === type || (m.type === "error" && reqId !== undefined && m.reqId === reqId));
      if (i >= 0) {
        const m = inbox.splice(i, 1)[0]!;
        if (m.type === "error") throw new EnrollmentRefused(m.code, m.message);
        return m as Extract<ServerMessage, { type: T }>;
      }
      if (Date.now() > deadline) throw new Error(`no ${type} from the broker`);
      await Promise.race([new Promise<void>((resolve) => ((wake = resolve), setTimeout(resolve, 250))), closed]);
    }
  };
  const send = (message: ClientMessage) => socket.send(JSON.stringify(message));
  try {
    await Promise.race([new Promise((resolve, reject) => (socket.once("open", resolve), socket.once("error", reject))), closed]);
    const { nonce } = await next("challenge");
    send({ type: "hello", reqId: "hello", protocol: PROTOCOL_VERSION, token: o.accessToken });
    const welcome = await next("welcome", "hello");
    send({
      type: "device.register",
      reqId: "register",
      name: o.name,
      publicKey: o.identity.publicKey,
      facts: o.facts,
      ...(o.enrollmentToken ? { enrollmentToken: o.enrollmentToken } : {}),
      signature: o.identity.prove(nonce, welcome.user.userId),
    });
    const registered = await next("device.registered", "register");
    return { deviceId: registered.deviceId, enrolled: registered.enrolled };
  } finally {
    socket.close();
  }
}

/** Whether to register now: never done against this broker, or an enrollment token arrived for an unenrolled device. */
export function needsRegistration(previous: (Registration & { brokerOrigin: string }) | null, brokerOrigin: string, deviceId: string, hasEnrollmentToken: boolean): boolean {
  if (!previous || previous.brokerOrigin !== brokerOrigin || previous.deviceId !== deviceId) return true;
  return hasEnrollmentToken && !previous.enrolled;
}
