import { describe, expect, it } from "vitest";
import { askToBeListed, reopenArgs } from "../src/main/permission-requests.js";

/** macOS lists Tandem under a privacy pane only after Tandem asked; Screen Recording applies only to a reopened app. */
describe("asking macOS before opening its panes, and reopening", () => {
  it("asks with the trusted-process prompt for Accessibility and a capture attempt for Screen Recording, on macOS only", async () => {
    const asked: string[] = [];
    const os = { isTrustedAccessibilityClient: (prompt: boolean) => (asked.push(`accessibility prompt=${prompt}`), false), touchScreenCapture: async () => void asked.push("capture") };
    await askToBeListed("darwin", "accessibility", os);
    await askToBeListed("darwin", "screen-recording", os);
    await askToBeListed("win32", "accessibility", os);
    expect(asked).toEqual(["accessibility prompt=true", "capture"]);
    // A capture that fails (permission not yet granted) still got Tandem listed: the pane opens anyway.
    await expect(askToBeListed("darwin", "screen-recording", { ...os, touchScreenCapture: async () => Promise.reject(new Error("denied")) })).resolves.toBeUndefined();
  });

  it("reopens with the same arguments and this session's code instead of any earlier code or link", () => {
    expect(reopenArgs(["--inspect-brk=0", "--code", "wxyz6789", "--lang=fr"], "abcd2345")).toEqual(["--inspect-brk=0", "--lang=fr", "--code", "abcd2345"]);
    expect(reopenArgs(["tandem://join?code=wxyz6789", "--code=zzzz2222"], "abcd2345")).toEqual(["--code", "abcd2345"]);
  });
});
