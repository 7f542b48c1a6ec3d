import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CODE_ALPHABET, encodeCode, normalizeCode } from "../src/protocol/index.js";

describe("session codes", () => {
  it("use Crockford base32 without i, l, o, u", () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[ilou]/);
  });

  it.each([
    ["4060R0GX", "4060r0gx"],
    ["4o6O r0gx", "4060r0gx"],
    ["4060-r0gx", "4060r0gx"],
    ["IL11abcd", "1111abcd"],
    [" 4060r0gx\n", "4060r0gx"],
  ])("normalise what people type: %j", (typed, canonical) => {
    expect(normalizeCode(typed)).toBe(canonical);
  });

  it.each(["4060r0g", "4060r0gxx", "4060r0gu", "", "!!!!!!!!", "4060r0g😀"])("refuse what cannot be a code: %j", (typed) => {
    expect(normalizeCode(typed)).toBeNull();
  });

  it("encode 40 bits one-to-one and survive any casing and confusable letters", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), fc.boolean(), (bytes, upper) => {
        const code = encodeCode(bytes);
        expect(code).toHaveLength(8);
        const typed = (upper ? code.toUpperCase() : code).replace(/0/g, "O").replace(/1/g, "l");
        expect(normalizeCode(typed)).toBe(code);
        const back = [...code].reduce((n, ch) => n * 32n + BigInt(CODE_ALPHABET.indexOf(ch)), 0n);
        expect(back).toBe(BigInt("0x" + Buffer.from(bytes).toString("hex")));
      }),
    );
  });
});
