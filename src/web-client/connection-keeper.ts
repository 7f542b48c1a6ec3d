import type { BrokerConnection } from "./broker-connection.js";

/**
 * A page's one connection to the broker: made when first needed and opened
 * once. Whoever asks while it opens waits for the same hello (the desktop
 * app's waiting connection, then a Join a moment later); one that could not
 * open is dropped, so the next ask tries afresh.
 */
export class ConnectionKeeper {
  private connection: BrokerConnection | null = null;
  private opened: Promise<BrokerConnection> | null = null;

  constructor(private readonly create: () => BrokerConnection) {}

  get current(): BrokerConnection | null {
    return this.connection;
  }

  open(): Promise<BrokerConnection> {
    if (this.connection && this.connection.status !== "closed" && this.opened) return this.opened;
    const connection = this.create();
    this.connection = connection;
    this.opened = connection.open().then(
      () => connection,
      (error: unknown) => {
        if (this.connection === connection) [this.connection, this.opened] = [null, null];
        connection.close();
        throw error;
      },
    );
    return this.opened;
  }
}
