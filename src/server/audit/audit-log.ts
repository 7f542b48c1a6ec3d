import type { Identity } from "../identity/identity.js";
import type { PeopleNames } from "../identity/people-names.js";
import type { AuditEvent, AuditFilter, Store } from "../store/store.js";
import type { AuditVerifier } from "./audit-verifier.js";

export interface AuditPage {
  /** Newest first, each with the name of who acted (null when nobody can name them). */
  events: (AuditEvent & { actorName: string | null })[];
  /** The cursor for the page after (older), null at the start of the log. */
  next: string | null;
}

/** The audit log as an admin reads it: a tenant's events a page at a time, with names, and whether the chain holds. */
export function createAuditLog(o: { store: Store; verify: AuditVerifier; peopleNames: PeopleNames }) {
  return {
    async page(caller: Identity, filter: Omit<AuditFilter, "tenantId" | "newestFirst" | "limit">, limit: number): Promise<AuditPage> {
      const events = await o.store.listAudit({ ...filter, tenantId: caller.tenantId, newestFirst: true, limit: limit + 1 });
      const page = events.slice(0, limit);
      const nameOf = await o.peopleNames(caller, page.map((e) => e.actorId));
      return { events: page.map((e) => ({ ...e, actorName: nameOf(e.actorId) })), next: events.length > limit ? String(page.at(-1)!.id) : null };
    },
    verify: (tenantId: string) => o.verify(tenantId),
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
