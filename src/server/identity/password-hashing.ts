import { scrypt, timingSafeEqual } from "node:crypto";

/**
 * Password checks run scrypt on libuv's thread pool, never on the event loop,
 * and only a few at a time: beyond `maxWaiting` queued checks a sign-in is
 * refused at once (the caller answers 503), so a flood of sign-in posts cannot
 * starve signed-in sessions of the CPU or grow a queue without end.
 */
export class HashingBusy extends Error {
  constructor() {
    super("too many sign-ins at once; try again in a moment");
  }
}

export function createPasswordChecker(o: { maxRunning: number; maxWaiting: number }) {
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    if (running < o.maxRunning) {
      running++;
      return;
    }
    if (waiting.length >= o.maxWaiting) throw new HashingBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return {
    /** Whether `password` matches `stored` (salt:hash, base64url); throws HashingBusy when the queue is full. */
    async verify(password: string, stored: string): Promise<boolean> {
      await slot();
      try {
        const [salt, hash] = stored.split(":");
        const expected = Buffer.from(hash ?? "", "base64url");
        const actual = await new Promise<Buffer>((resolve, reject) =>
          scrypt(password, Buffer.from(salt ?? "", "base64url"), 32, (error, key) => (error ? reject(error) : resolve(key))),
        );
        return expected.length === actual.length && timingSafeEqual(expected, actual);
      } finally {
        release();
      }
    },
    get queued() {
      return waiting.length;
    },
  };
}
export type PasswordChecker = ReturnType<typeof createPasswordChecker>;
