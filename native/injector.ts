import { Button, keyboard, mouse, Point, providerRegistry, screen } from "@nut-tree-fork/nut-js";
import { type DisplayBounds, type InjectedEvent, type MouseButton, pointOnDisplay } from "../src/protocol/index.js";
import type { KeyBackend } from "./key-backend.js";
import { MODIFIER_CODES, MODIFIER_KEYS, nutKeys } from "./key-codes.js";

/**
 * Protocol input → OS input through nut-js (libnut), key by key with explicit
 * modifiers (never keyboard.type, which drops Shift for symbols), no auto
 * delays. Remembers what it holds down so `releaseAll` leaves no stuck Shift
 * or button behind.
 */
const BUTTONS: Partial<Record<MouseButton, Button>> = { left: Button.LEFT, middle: Button.MIDDLE, right: Button.RIGHT };
const WHEEL_STEP = 100; // browser wheel deltas are ~100 per notch

export interface Injector {
  display(): Promise<DisplayBounds>;
  setDisplay(bounds: DisplayBounds): void;
  /** False when the key is unknown (nothing injected). */
  inject(event: InjectedEvent): Promise<boolean>;
  releaseAll(): Promise<void>;
}

/** Pointer through nut-js; keys through `keys()` (XTest by physical keycode on X11, nut-js elsewhere). */
export function createNutInjector(keys: () => KeyBackend = () => nutKeys): Injector {
  mouse.config.autoDelayMs = 0;
  keyboard.config.autoDelayMs = 0;
  // nut-js passes its keyboard delay to libnut only when it is constructed; libnut otherwise sleeps 10 ms after every key toggle.
  providerRegistry.getKeyboard().setKeyboardDelay(0);
  let bounds: DisplayBounds | null = null;
  const heldKeys = new Set<string>(); // by KeyboardEvent.code
  const heldButtons = new Set<Button>();

  const toPixel = (x: number, y: number) => {
    const p = pointOnDisplay(bounds!, x, y);
    return new Point(p.x, p.y);
  };
  const press = async (code: string) => {
    await keys().down(code);
    heldKeys.add(code);
  };
  const release = async (code: string) => {
    await keys().up(code);
    heldKeys.delete(code);
  };

  /** Makes the held modifiers what the helper's keyboard says they are, before a key lands. */
  async function syncModifiers(mods: Record<keyof typeof MODIFIER_KEYS, boolean>) {
    for (const flag of Object.keys(MODIFIER_KEYS) as (keyof typeof MODIFIER_KEYS)[]) {
      const held = MODIFIER_KEYS[flag].filter((k) => heldKeys.has(k));
      if (mods[flag] && held.length === 0) await press(MODIFIER_KEYS[flag][0]);
      if (!mods[flag]) for (const k of held) await release(k);
    }
  }

  const injector: Injector = {
    async display() {
      bounds ??= { x: 0, y: 0, width: await screen.width(), height: await screen.height() };
      return bounds;
    },
    setDisplay(next) {
      bounds = next;
    },
    async inject(event) {
      await injector.display();
      switch (event.t) {
        case "move":
          await mouse.setPosition(toPixel(event.x, event.y));
          return true;
        case "button": {
          const button = BUTTONS[event.button];
          if (button === undefined) return false; // back/forward: no portable injection (Button.LEFT is 0)
          await mouse.setPosition(toPixel(event.x, event.y));
          if (event.down) {
            await mouse.pressButton(button);
            heldButtons.add(button);
          } else {
            await mouse.releaseButton(button);
            heldButtons.delete(button);
          }
          return true;
        }
        case "wheel": {
          await mouse.setPosition(toPixel(event.x, event.y));
          const notches = (d: number) => Math.max(1, Math.round(Math.abs(d) / WHEEL_STEP));
          if (event.dy > 0) await mouse.scrollDown(notches(event.dy));
          if (event.dy < 0) await mouse.scrollUp(notches(event.dy));
          if (event.dx > 0) await mouse.scrollRight(notches(event.dx));
          if (event.dx < 0) await mouse.scrollLeft(notches(event.dx));
          return true;
        }
        case "key": {
          const code = event.code;
          if (!keys().has(code)) return false;
          if (MODIFIER_CODES[code]) {
            await (event.down ? press(code) : release(code));
            return true;
          }
          await syncModifiers(event.mods);
          if (event.down) {
            if (event.repeat && heldKeys.has(code)) await keys().up(code); // auto-repeat: one more stroke
            await press(code);
          } else await release(code);
          return true;
        }
        case "release_all":
          await injector.releaseAll();
          return true;
      }
    },
    async releaseAll() {
      for (const key of [...heldKeys]) await release(key);
      for (const button of [...heldButtons]) {
        await mouse.releaseButton(button);
        heldButtons.delete(button);
      }
    },
  };
  return injector;
}
