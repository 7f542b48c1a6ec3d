/** People of the demo directory (config/demo-directory.json), by what they are for. */
export const northwind = {
  admin: { username: "ada@northwind.test", password: "demo-admin-1", id: "nw-admin" },
  operator: { username: "hugo@northwind.test", password: "demo-helper-1", id: "nw-helper" },
  readOnly: { username: "wei@northwind.test", password: "demo-viewer-1", id: "nw-viewer" },
  auditor: { username: "amira@northwind.test", password: "demo-auditor-1", id: "nw-auditor" },
  sharer: { username: "sam@northwind.test", password: "demo-sharer-1", id: "nw-sharer-1" },
  sharer2: { username: "lea@northwind.test", password: "demo-sharer-2", id: "nw-sharer-2" },
};

export const fabrikam = {
  admin: { username: "fiona@fabrikam.test", password: "demo-admin-2", id: "fb-admin" },
  operator: { username: "ravi@fabrikam.test", password: "demo-helper-2", id: "fb-helper" },
  readOnly: { username: "kofi@fabrikam.test", password: "demo-viewer-2", id: "fb-viewer" },
  sharer: { username: "yuki@fabrikam.test", password: "demo-sharer-3", id: "fb-sharer-1" },
};

export type Person = (typeof northwind)["admin"];
