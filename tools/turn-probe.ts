import { createHash, createHmac, randomBytes } from "node:crypto";
import dgram from "node:dgram";

/**
 * Asks a TURN server for a relay allocation (RFC 5766) with long-term
 * credentials, the way a browser's ICE agent does: a first Allocate gets 401
 * with realm and nonce, the second carries USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY. Resolves with the relayed address, or rejects with the
 * server's error. For tests and operators checking a coturn setup.
 */
const MAGIC = 0x2112a442;
const ALLOCATE = 0x0003;
const ALLOCATE_OK = 0x0103;
const ALLOCATE_ERROR = 0x0113;
const ATTR = { USERNAME: 0x0006, MESSAGE_INTEGRITY: 0x0008, ERROR_CODE: 0x0009, REALM: 0x0014, NONCE: 0x0015, XOR_RELAYED_ADDRESS: 0x0016, REQUESTED_TRANSPORT: 0x0019 };

export async function probeTurnAllocation(o: { host: string; port: number; username: string; credential: string; timeoutMs?: number }): Promise<{ relayedAddress: string }> {
  const socket = dgram.createSocket("udp4");
  try {
    const first = await exchange(socket, o, message(ALLOCATE, [[ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0])]]));
    const realm = first.attrs.get(ATTR.REALM);
    const nonce = first.attrs.get(ATTR.NONCE);
    if (first.type !== ALLOCATE_ERROR || !realm || !nonce) throw new Error("the server did not ask for credentials");
    const key = createHash("md5").update(`${o.username}:${realm.toString()}:${o.credential}`).digest();
    const attrs: [number, Buffer][] = [
      [ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0])],
      [ATTR.USERNAME, Buffer.from(o.username)],
      [ATTR.REALM, realm],
      [ATTR.NONCE, nonce],
    ];
    const second = await exchange(socket, o, message(ALLOCATE, attrs, key));
    if (second.type === ALLOCATE_OK) return { relayedAddress: xorAddress(second.attrs.get(ATTR.XOR_RELAYED_ADDRESS)!) };
    const error = second.attrs.get(ATTR.ERROR_CODE);
    throw new Error(error ? `TURN error ${error[2]! * 100 + error[3]!}: ${error.subarray(4).toString()}` : "TURN allocation refused");
  } finally {
    socket.close();
  }
}

function message(type: number, attrs: [number, Buffer][], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attrs.map(([t, v]) => attribute(t, v)));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt32BE(MAGIC, 4);
  randomBytes(12).copy(header, 8);
  if (!integrityKey) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // MESSAGE-INTEGRITY covers the message with its length already counting the integrity attribute.
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac("sha1", integrityKey).update(Buffer.concat([header, body])).digest();
  return Buffer.concat([header, body, attribute(ATTR.MESSAGE_INTEGRITY, mac)]);
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

/** One request and its answer over UDP, retransmitted as STUN clients do (RFC 5389 §7.2.1) until answered. */
function exchange(socket: dgram.Socket, o: { host: string; port: number; timeoutMs?: number }, request: Buffer): Promise<{ type: number; attrs: Map<number, Buffer> }> {
  return new Promise((resolve, reject) => {
    const retransmit = setInterval(() => socket.send(request, o.port, o.host), 250);
    const done = () => {
      clearTimeout(timer);
      clearInterval(retransmit);
      socket.off("message", onMessage);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error("no answer from the TURN server"));
    }, o.timeoutMs ?? 5000);
    const onMessage = (data: Buffer) => {
      // Answers to an earlier, retransmitted request carry another transaction id.
      if (data.length < 20 || !data.subarray(8, 20).equals(request.subarray(8, 20))) return;
      done();
      const attrs = new Map<number, Buffer>();
      for (let at = 20; at + 4 <= data.length; ) {
        const [type, length] = [data.readUInt16BE(at), data.readUInt16BE(at + 2)];
        attrs.set(type, data.subarray(at + 4, at + 4 + length));
        at += 4 + Math.ceil(length / 4) * 4;
      }
      resolve({ type: data.readUInt16BE(0), attrs });
    };
    socket.on("message", onMessage);
    socket.send(request, o.port, o.host);
  });
}

function xorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = [0, 1, 2, 3].map((i) => value[4 + i]! ^ ((MAGIC >>> (24 - 8 * i)) & 0xff)).join(".");
  return `${ip}:${port}`;
}
