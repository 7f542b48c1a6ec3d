import type { Identity } from "./identity.js";
import type { Store } from "../store/store.js";

/** A person's name from the embedded IdP's directory, when the broker has one. */
export type DirectoryName = (tenantId: string, userId: string) => string | undefined;

/** Names for the people an admin page lists by id; an id nobody can name stays unnamed (null). */
export type PeopleNames = (caller: Identity, ids: readonly (string | null)[]) => Promise<(id: string | null) => string | null>;

/**
 * Names come from the directory (embedded IdP), else from the names the people
 * had in the tenant's sessions (an external IdP's people are known to Tandem
 * only through their tokens), and the caller knows their own.
 */
export function createPeopleNames(o: { store: Store; directoryName?: DirectoryName }): PeopleNames {
  return async (caller, ids) => {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    const fromSessions = await o.store.namesOf(caller.tenantId, wanted);
    fromSessions.set(caller.userId, caller.name);
    return (id) => (id === null ? null : (o.directoryName?.(caller.tenantId, id) ?? fromSessions.get(id) ?? null));
  };
}
