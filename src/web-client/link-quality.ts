/** What the helper's Connection quality panel shows, from the connection's statistics. */
export interface LinkQuality {
  fps: number | null;
  bitrateKbps: number | null;
  roundTripMs: number | null;
  framesDecoded: number | null;
  width: number | null;
  height: number | null;
}

/** A reader of the incoming video's quality; the bit rate is measured between two reads. */
export function readLinkQuality(pc: RTCPeerConnection): () => Promise<LinkQuality> {
  let lastBytes: { at: number; bytes: number } | null = null;
  return async () => {
    const report = await pc.getStats();
    const quality: LinkQuality = { fps: null, bitrateKbps: null, roundTripMs: null, framesDecoded: null, width: null, height: null };
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === "inbound-rtp" && s.kind === "video") {
        quality.fps = (s.framesPerSecond as number | undefined) ?? null;
        quality.framesDecoded = (s.framesDecoded as number | undefined) ?? null;
        quality.width = (s.frameWidth as number | undefined) ?? null;
        quality.height = (s.frameHeight as number | undefined) ?? null;
        const now = s.timestamp as number;
        const bytes = s.bytesReceived as number;
        if (lastBytes && now > lastBytes.at) quality.bitrateKbps = Math.round(((bytes - lastBytes.bytes) * 8) / (now - lastBytes.at));
        lastBytes = { at: now, bytes };
      }
      if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && typeof s.currentRoundTripTime === "number") {
        quality.roundTripMs = Math.round(s.currentRoundTripTime * 1000);
      }
    });
    return quality;
  };
}
