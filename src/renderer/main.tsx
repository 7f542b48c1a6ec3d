import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { initI18n } from "../ui/i18n/index.js";
import "../ui/styles.css";
import { SharerApp } from "./SharerApp.js";
import { webHost } from "./sharer-host.js";

await initI18n();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <SharerApp host={webHost} />
  </StrictMode>,
);
