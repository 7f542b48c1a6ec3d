import { describe, expect, it } from "vitest";
import { setNewest } from "../src/server/newest-entries.js";

describe("maps a client can grow keep their newest entries only", () => {
  it("a flood of made-up keys stays at the cap and pushes out the oldest, not a key just used", () => {
    const map = new Map<string, number>();
    setNewest(map, "kept", 0, 100);
    for (let i = 0; i < 300; i++) {
      setNewest(map, `flood-${i}`, i, 100);
      if (i % 50 === 0) setNewest(map, "kept", i, 100); // used again: newest again
      expect(map.size).toBeLessThanOrEqual(100);
    }
    expect(map.size).toBe(100);
    expect(map.has("flood-0")).toBe(false);
    expect(map.has("flood-299")).toBe(true);
    expect(map.get("kept")).toBe(250);
    expect([...map.keys()].at(-1)).toBe("flood-299");
  });
});
