import type { Person } from "./demo-people.js";
import type { IdpHarness } from "./idp-harness.js";

/** A helper creates a session and a sharer joins it, both signed in at the embedded IdP. */
export async function createAndJoinWith(h: IdpHarness, helperPerson: Person, sharerPerson: Person) {
  const helper = await h.desktopClient(helperPerson.username, helperPerson.password);
  const sharer = await h.desktopClient(sharerPerson.username, sharerPerson.password);
  const created = await helper.request({ type: "session.create" }, "session.created");
  await sharer.request({ type: "session.join", code: created.code }, "session.joined");
  await helper.next("session.peer_joined");
  return { helper, sharer, sessionId: created.session.sessionId, code: created.code };
}
