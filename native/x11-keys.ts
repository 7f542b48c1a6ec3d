import type { KeyBackend } from "./key-backend.js";

/**
 * Keys on X11 by physical key: KeyboardEvent.code → the X keycode of that key
 * (evdev + 8, the same on every PC keyboard) → an XTest fake key event. The
 * sharer's own layout then makes the character, exactly as if they pressed
 * that key: ö on a German keyboard, the ISO key's < and >, ¥ on a Japanese
 * one. (libnut presses keys by keysym on X11, which lands on the wrong key
 * for any layout but US and cannot press ö at all.) Pure-JS X11 client, no
 * native build.
 */
export const X11_KEYCODES: Record<string, number> = {
  Escape: 9, Digit1: 10, Digit2: 11, Digit3: 12, Digit4: 13, Digit5: 14, Digit6: 15, Digit7: 16, Digit8: 17, Digit9: 18, Digit0: 19, Minus: 20, Equal: 21, Backspace: 22, Tab: 23,
  KeyQ: 24, KeyW: 25, KeyE: 26, KeyR: 27, KeyT: 28, KeyY: 29, KeyU: 30, KeyI: 31, KeyO: 32, KeyP: 33, BracketLeft: 34, BracketRight: 35, Enter: 36, ControlLeft: 37,
  KeyA: 38, KeyS: 39, KeyD: 40, KeyF: 41, KeyG: 42, KeyH: 43, KeyJ: 44, KeyK: 45, KeyL: 46, Semicolon: 47, Quote: 48, Backquote: 49, ShiftLeft: 50, Backslash: 51,
  KeyZ: 52, KeyX: 53, KeyC: 54, KeyV: 55, KeyB: 56, KeyN: 57, KeyM: 58, Comma: 59, Period: 60, Slash: 61, ShiftRight: 62, NumpadMultiply: 63, AltLeft: 64, Space: 65, CapsLock: 66,
  F1: 67, F2: 68, F3: 69, F4: 70, F5: 71, F6: 72, F7: 73, F8: 74, F9: 75, F10: 76, NumLock: 77, ScrollLock: 78,
  Numpad7: 79, Numpad8: 80, Numpad9: 81, NumpadSubtract: 82, Numpad4: 83, Numpad5: 84, Numpad6: 85, NumpadAdd: 86, Numpad1: 87, Numpad2: 88, Numpad3: 89, Numpad0: 90, NumpadDecimal: 91,
  IntlBackslash: 94, F11: 95, F12: 96, IntlRo: 97, Convert: 100, KanaMode: 101, NonConvert: 102, NumpadEnter: 104, ControlRight: 105, NumpadDivide: 106, PrintScreen: 107, AltRight: 108,
  Home: 110, ArrowUp: 111, PageUp: 112, ArrowLeft: 113, ArrowRight: 114, End: 115, ArrowDown: 116, PageDown: 117, Insert: 118, Delete: 119, NumpadEqual: 125, Pause: 127,
  Lang1: 130, Lang2: 131, IntlYen: 132, MetaLeft: 133, MetaRight: 134, ContextMenu: 135,
  F13: 191, F14: 192, F15: 193, F16: 194, F17: 195, F18: 196, F19: 197, F20: 198, F21: 199, F22: 200, F23: 201, F24: 202,
};

interface XTest {
  KeyPress: number;
  KeyRelease: number;
  FakeInput(type: number, keycode: number, time: number, window: number, x: number, y: number): void;
}
interface XClient {
  require(name: "xtest", callback: (error: unknown, ext: XTest) => void): void;
  GetInputFocus(callback: () => void): void;
  on(event: "error", handler: (error: unknown) => void): void;
  terminate(): void;
}

/** Connects to the X server named by DISPLAY; null when there is none or it lacks XTest (the injector then uses nut-js). */
export async function connectX11Keys(display = process.env.DISPLAY): Promise<KeyBackend | null> {
  if (!display) return null;
  const x11 = (await import("x11")) as unknown as { createClient(o: { display: string }, cb: (error: unknown, d: { client: XClient; screen: { root: number }[] }) => void): XClient };
  return new Promise((resolve) => {
    const client = x11.createClient({ display }, (error, d) => {
      if (error) return resolve(null);
      d.client.require("xtest", (extError, xtest) => {
        if (extError) return resolve(null);
        const root = d.screen[0]!.root;
        // Each event, then a round trip: resolved once the server has taken it, so events stay ordered with nut-js's pointer moves.
        const fake = (type: number, keycode: number) =>
          new Promise<void>((done) => {
            xtest.FakeInput(type, keycode, 0, root, 0, 0);
            d.client.GetInputFocus(done);
          });
        resolve({
          has: (code) => code in X11_KEYCODES,
          down: (code) => fake(xtest.KeyPress, X11_KEYCODES[code]!),
          up: (code) => fake(xtest.KeyRelease, X11_KEYCODES[code]!),
          close: () => d.client.terminate(),
        });
      });
    });
    client.on("error", () => resolve(null));
  });
}
