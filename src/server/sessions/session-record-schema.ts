import { z } from "zod";
import { DeviceView, EndReason, Level, Party, SessionStatus, TargetDevice, Tool } from "../../protocol/index.js";
import type { SessionRecord } from "../store/store.js";

const time = z.number().int().nonnegative();

/** A session record as one broker hands it to the others (redis-bus.ts): parsed like anything that crossed a process boundary. */
export const SessionRecordSchema = z.object({
  id: z.string().uuid(),
  tenantId: z.string().min(1),
  codeExpiresAt: time,
  status: SessionStatus,
  level: Level.nullable(),
  requestedLevel: Level.nullable(),
  paused: z.boolean(),
  endReason: EndReason.nullable(),
  helperId: z.string(),
  helperName: z.string(),
  sharerId: z.string().nullable(),
  sharerName: z.string().nullable(),
  helperProfile: Party,
  sharerProfile: Party.nullable(),
  sharerTarget: z.object({ groups: z.array(z.string()), device: DeviceView.nullable() }).nullable(),
  targetDevice: TargetDevice.nullable(),
  tools: z.array(Tool),
  toolsOff: z.array(Tool),
  helperResumeHash: z.string(),
  sharerResumeHash: z.string().nullable(),
  createdAt: time,
  joinedAt: time.nullable(),
  endedAt: time.nullable(),
  version: z.number().int().nonnegative(),
  helperAwaySince: time.nullable(),
  sharerAwaySince: time.nullable(),
}) satisfies z.ZodType<SessionRecord>;
