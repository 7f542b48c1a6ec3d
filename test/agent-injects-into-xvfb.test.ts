import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { InjectedEvent } from "../src/protocol/index.js";
import { type AgentProcess, startAgent } from "../tools/agent-process.js";
import { keyEventsFor } from "../tools/us-keyboard.js";
import { startXvfb, type XDisplay, xvfbInstalled } from "../tools/x-display.js";
import { describeNeeding } from "./support/needs.js";

/**
 * The full-control agent for real: a Node child injecting with nut-js into an
 * Xvfb screen, read back from real X clients: xdotool for the pointer, an xev
 * window for buttons, wheel and drags, an xterm running `cat > file` for text.
 */
const tools = ["xdotool", "xev", "xterm"].filter((t) => spawnFails(t));
const missing = !xvfbInstalled() ? "Xvfb is not installed" : tools.length ? `not installed: ${tools.join(", ")}` : null;
const SESSION = randomUUID();
const W = 1920;
const H = 1080;
const at = (px: number, py: number) => ({ x: px / (W - 1), y: py / (H - 1) });

describeNeeding(missing)("the input agent injecting into a real X server", () => {
  let x: XDisplay;
  let agent: AgentProcess;
  let xev: ChildProcess;
  let xevLog = "";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tandem-agent-"));
  const typed = path.join(dir, "typed.txt");
  let nextId = 1;

  const xdo = (...args: string[]) => execFileSync("xdotool", args, { env: { ...process.env, DISPLAY: x.display }, encoding: "utf8" });
  const pointer = () => {
    const m = /x:(\d+) y:(\d+)/.exec(xdo("getmouselocation"))!;
    return { x: Number(m[1]), y: Number(m[2]) };
  };
  /** Sends events and waits until the agent has handled the last one; returns what it said of each. */
  async function send(events: InjectedEvent[], sessionId = SESSION) {
    const answers: string[] = [];
    for (const event of events) {
      const id = nextId++;
      agent.send({ type: "input", sessionId, event, id });
      const answer = await agent.next((m) => (m.type === "injected" || m.type === "dropped") && m.id === id);
      answers.push(answer.type === "dropped" ? answer.reason : "injected");
    }
    return answers;
  }
  const grant = (level: "view" | "control" | null, paused = false) => agent.send({ type: "grant", sessionId: SESSION, level, paused });
  const readTyped = async (expected: string) => {
    for (let i = 0; i < 50 && fs.readFileSync(typed, "utf8") !== expected; i++) await new Promise((r) => setTimeout(r, 50));
    return fs.readFileSync(typed, "utf8");
  };

  beforeAll(async () => {
    if (missing) throw new Error(missing);
    x = await startXvfb(W, H);
    const env = { ...process.env, DISPLAY: x.display };
    xev = spawn("xev", ["-geometry", "400x300+0+0", "-event", "button", "-event", "mouse"], { env });
    xev.stdout!.on("data", (c: Buffer) => (xevLog += c.toString()));
    fs.writeFileSync(typed, "");
    spawn("xterm", ["-geometry", "80x10+600+0", "-e", "sh", "-c", `stty -echo; cat > ${typed}`], { env, stdio: "ignore" });
    await new Promise((r) => setTimeout(r, 800));
    agent = await startAgent(x.display);
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    xev?.kill();
    x?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports itself ready with the X screen's size, and answers the permission probe (X11: nothing to ask)", async () => {
    expect(agent.ready).toMatchObject({ type: "ready", platform: "linux", injection: "available", display: { x: 0, y: 0, width: W, height: H } });
    agent.send({ type: "probe_permissions" });
    expect(await agent.next((m) => m.type === "permissions")).toEqual({ type: "permissions", report: { platform: "linux", accessibility: "not-needed", screenRecording: "not-needed", unsupportedReason: null } });
  });

  it("injects nothing without a grant, for a view grant, while paused, or for another session", { timeout: 30_000 }, async () => {
    xdo("mousemove", "1000", "700");
    const before = fs.readFileSync(typed, "utf8");
    const attempt = () => send([{ t: "move", ...at(200, 150) }, { t: "button", ...at(200, 150), button: "left", down: true }, { t: "button", ...at(200, 150), button: "left", down: false }, ...keyEventsFor("x\n")]);
    expect(await attempt()).toEqual(Array(7).fill("no_grant"));
    grant("view");
    expect((await attempt())[0]).toBe("view_only");
    grant("control", true);
    expect((await attempt())[0]).toBe("paused");
    grant("control");
    expect(await send([{ t: "move", ...at(200, 150) }], randomUUID())).toEqual(["other_session"]);
    agent.send({ type: "revoke" });
    expect((await attempt())[0]).toBe("no_grant");
    expect(pointer()).toEqual({ x: 1000, y: 700 });
    expect(xevLog).not.toContain("ButtonPress");
    expect(fs.readFileSync(typed, "utf8")).toBe(before);
  });

  it("moves the pointer to exact pixels, clicks, double-clicks, drags and scrolls", { timeout: 30_000 }, async () => {
    grant("control");
    await send([{ t: "move", ...at(1234, 567) }]);
    expect(pointer()).toEqual({ x: 1234, y: 567 });
    xevLog = "";
    const p = at(100, 100);
    await send([
      { t: "button", ...p, button: "left", down: true }, { t: "button", ...p, button: "left", down: false },
      { t: "button", ...p, button: "left", down: true }, { t: "button", ...p, button: "left", down: false },
      { t: "button", ...p, button: "right", down: true }, { t: "button", ...p, button: "right", down: false },
      { t: "wheel", ...p, dx: 0, dy: 300 },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(count(xevLog, "button 1,")).toBe(4); // two clicks: press + release each
    expect(count(xevLog, "button 3,")).toBe(2); // press + release
    expect(count(xevLog, "button 5,")).toBe(6); // 3 notches down, press + release each
    xevLog = "";
    await send([{ t: "button", ...at(50, 50), button: "left", down: true }, ...Array.from({ length: 10 }, (_, i) => ({ t: "move" as const, ...at(60 + i * 20, 60 + i * 10) })), { t: "button", ...at(260, 160), button: "left", down: false }]);
    await new Promise((r) => setTimeout(r, 300));
    expect(xevLog).toMatch(/MotionNotify[\s\S]*state 0x100/); // moves with button 1 held: a drag
    expect(pointer()).toEqual({ x: 260, y: 160 });
  });

  it("types text with symbols key by key, exactly, into a real terminal", { timeout: 30_000 }, async () => {
    grant("control");
    await send([{ t: "move", ...at(800, 60) }]); // over the xterm: with no window manager, focus follows the pointer
    const text = 'Hello, World! @#$%^&*()_+{}:"<>?\n';
    const answers = await send(keyEventsFor(text));
    expect(answers.every((a) => a === "injected")).toBe(true);
    expect(await readTyped(text)).toBe(text);
  });

  it("presses physical keys: on a German layout the sharer's keyboard makes ö, ä, ü, ß, <, > from the helper's US keys", { timeout: 30_000 }, async () => {
    const env = { ...process.env, DISPLAY: x.display, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
    const german = path.join(dir, "german.txt");
    fs.writeFileSync(german, "");
    spawn("xterm", ["-u8", "-T", "german-input", "-geometry", "80x10+600+400", "-e", "sh", "-c", `stty -echo; cat > ${german}`], { env, stdio: "ignore" });
    execFileSync("xdotool", ["search", "--sync", "--name", "german-input"], { env, timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 300)); // its shell is reading
    execFileSync("setxkbmap", ["de"], { env });
    try {
      grant("control");
      await send([{ t: "move", ...at(800, 460) }]); // over that xterm
      const none = { shift: false, ctrl: false, alt: false, meta: false };
      const shift = { ...none, shift: true };
      const tap = (code: string, mods = none) => [{ t: "key" as const, code, down: true, repeat: false, mods }, { t: "key" as const, code, down: false, repeat: false, mods }];
      const shifted = (code: string) => [{ t: "key" as const, code: "ShiftLeft", down: true, repeat: false, mods: shift }, ...tap(code, shift), { t: "key" as const, code: "ShiftLeft", down: false, repeat: false, mods: none }];
      // The helper presses the keys where a US keyboard has y ; ' [ - and the ISO key left of Z.
      const answers = await send([...tap("KeyY"), ...tap("Semicolon"), ...tap("Quote"), ...tap("BracketLeft"), ...tap("Minus"), ...tap("IntlBackslash"), ...shifted("IntlBackslash"), ...shifted("Semicolon"), ...shifted("Digit2"), ...tap("Enter")]);
      expect(answers.every((a) => a === "injected")).toBe(true);
      const expected = 'zöäüß<>Ö"\n';
      for (let i = 0; i < 50 && fs.readFileSync(german, "utf8") !== expected; i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.readFileSync(german, "utf8")).toBe(expected);
    } finally {
      execFileSync("setxkbmap", ["us"], { env });
    }
  });

  it("releases a held Shift when control is revoked, so the sharer's own typing is not shifted", { timeout: 30_000 }, async () => {
    grant("control");
    const before = fs.readFileSync(typed, "utf8");
    await send([{ t: "move", ...at(800, 60) }, { t: "key", code: "ShiftLeft", down: true, repeat: false, mods: { shift: true, ctrl: false, alt: false, meta: false } }]);
    agent.send({ type: "revoke" });
    await send([{ t: "move", ...at(800, 60) }]); // handled after the revoke: the release is done
    xdo("type", "--delay", "20", "abc\n");
    expect(await readTyped(`${before}abc\n`)).toBe(`${before}abc\n`);
  });
});

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function spawnFails(tool: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return false;
  } catch {
    return true;
  }
}
