/** Presses and releases keys by KeyboardEvent.code (the physical key). */
export interface KeyBackend {
  has(code: string): boolean;
  down(code: string): Promise<void>;
  up(code: string): Promise<void>;
  close?(): void;
}
