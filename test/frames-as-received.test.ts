import { describe, expect, it } from "vitest";
import { codecOf, h264SequenceParameters } from "../src/web-client/frames-as-received.js";

// A key frame as Chromium's H.264 packetizer hands it to an encoded transform: Annex B, SPS, PPS, then the IDR slice.
const sps = [0x67, 0x42, 0xc0, 0x28, 0xda, 0x01, 0xe0];
const pps = [0x68, 0xce, 0x3c, 0x80];
const idr = [0x65, 0x88, 0x84, 0x00, 0x33];
const annexB = (...nals: number[][]) => new Uint8Array(nals.flatMap((n, i) => [...(i === 0 ? [0, 0, 0, 1] : [0, 0, 1]), ...n])).buffer;
const frame = (mimeType: string | undefined, data: ArrayBuffer) => ({ data, getMetadata: () => ({ mimeType }) });

describe("decoding frames as received: which decoder a key frame needs", () => {
  it("reads profile, constraints and level from the sequence parameter set, after 3- or 4-byte start codes", () => {
    expect(h264SequenceParameters(new Uint8Array(annexB(sps, pps, idr)))).toEqual({ profile: 0x42, constraints: 0xc0, level: 0x28 });
    expect(codecOf(frame("video/H264", annexB(sps, pps, idr)))).toBe("avc1.42c028");
    expect(codecOf(frame("video/H264", annexB(pps, sps, idr)))).toBe("avc1.42c028");
  });

  it("has no codec for an H.264 frame without a sequence parameter set, nor for codecs it does not decode", () => {
    expect(codecOf(frame("video/H264", annexB(idr)))).toBeNull();
    expect(codecOf(frame("video/VP8", new ArrayBuffer(10)))).toBe("vp8");
    expect(codecOf(frame("video/AV1", new ArrayBuffer(10)))).toBeNull();
    expect(codecOf(frame(undefined, annexB(sps, pps, idr)))).toBeNull();
  });
});
