import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { initI18n } from "../ui/i18n/index.js";
import "../ui/styles.css";
import { SharerApp } from "./SharerApp.js";
import type { TandemDesktopBridge } from "../protocol/index.js";
import { desktopHost, webHost } from "./sharer-host.js";

await initI18n();
// Present only inside the desktop app (its preload); the web page runs without it.
const bridge = (window as unknown as { tandemDesktop?: TandemDesktopBridge }).tandemDesktop;
// The app loads its own copy of this page (app://tandem) and says which broker to talk to; without the app's bridge
// the page is the broker's own and talks to its own origin, whatever the address says.
const broker = bridge ? (new URLSearchParams(location.search).get("broker") ?? undefined) : undefined;
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <SharerApp host={bridge ? desktopHost(bridge, broker) : webHost} />
  </StrictMode>,
);
