// Loaded into electronegativity (node --require): it fetches translations and
// Electron release data with `got`; offline (CI here) got's retry timer crashes
// it now and then ("onCancel handler was attached after the promise settled").
// Its requests fail at once instead, which it handles (English, no release data).
const Module = require("node:module");
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === "got") {
    const offline = () => Promise.reject(new Error("offline: electronegativity is run without network"));
    return Object.assign(offline, { default: offline, get: offline });
  }
  return load.call(this, request, ...rest);
};
