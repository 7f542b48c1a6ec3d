/** The part of Electron's Notification the offer uses. */
export type NoticeConstructor = new (options: { title: string; body: string }) => { on(event: "click", listener: () => void): unknown; show(): void };

/**
 * A helper offers a session to this device: the OS shows its own
 * notification (which the sharer may have hidden the window behind), and the
 * window comes forward now and again when the notification is clicked.
 */
export function showOfferNotice(Notice: NoticeConstructor, body: string, bringForward: () => void): void {
  const notice = new Notice({ title: "Tandem", body });
  notice.on("click", bringForward);
  notice.show();
  bringForward();
}
