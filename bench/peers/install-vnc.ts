import { ensureVncPackages, VNC_PACKAGES } from "./vnc-peer.js";

// Before `npm run bench:peers` enters its network namespace (no mirror is reachable from there):
// installs x11vnc, novnc and websockify when missing and allowed; never fails the run (the
// results table then says why the peer was not measured).
const ready = ensureVncPackages({ install: true });
console.log(ready.ok ? `▶ ${VNC_PACKAGES.join(", ")}: installed` : `▶ ${ready.why}`);
