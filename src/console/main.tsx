import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { initI18n } from "../ui/i18n/index.js";
import "../ui/styles.css";
import { App } from "./App.js";

await initI18n();
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
