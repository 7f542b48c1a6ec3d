import type { ClientMessage } from "../../../protocol/index.js";
import { type Connection, send } from "../connection.js";
import type { WsContext } from "../context.js";
import { requireIdentity } from "./require-session.js";

/** The desktop app registers its key pair (with the MDM's enrollment token when it has one). */
export async function handleDeviceRegister(ctx: WsContext, connection: Connection, msg: Extract<ClientMessage, { type: "device.register" }>) {
  const identity = requireIdentity(connection);
  const device = await ctx.devices.register(identity, connection.nonce, msg);
  connection.device = device;
  ctx.hub.deviceOnline(connection);
  send(connection, { type: "device.registered", reqId: msg.reqId, deviceId: device.id, enrolled: device.enrolled });
}
