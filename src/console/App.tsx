import { type ReactElement, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Permission } from "../protocol/index.js";
import { loadMe, type Me, signOut } from "../ui/api.js";
import { LanguagePicker } from "../ui/components/LanguagePicker.js";
import { SignInScreen } from "../ui/components/SignInScreen.js";
import { navigate, usePath } from "../ui/router.js";
import { useStore } from "../ui/store.js";
import { AccessPoliciesPage } from "./admin/AccessPoliciesPage.js";
import { AuditPage } from "./admin/AuditPage.js";
import { DeployMacsPage } from "./admin/DeployMacsPage.js";
import { DevicesAdminPage } from "./admin/DevicesAdminPage.js";
import { ReportsPage } from "./admin/ReportsPage.js";
import { RolesPage } from "./admin/RolesPage.js";
import { SettingsPage } from "./admin/SettingsPage.js";
import { HelperSession } from "./helper-session.js";
import { HistoryPage } from "./HistoryPage.js";
import { HomePage } from "./HomePage.js";
import { SessionScreen } from "./SessionScreen.js";

const PAGES: { path: string; label: string; needs: Permission | null; render: (me: Me, helper: HelperSession) => ReactElement }[] = [
  { path: "/", label: "nav.home", needs: null, render: (me, helper) => <HomePage me={me} helper={helper} /> },
  { path: "/history", label: "nav.history", needs: null, render: () => <HistoryPage /> },
  { path: "/admin/settings", label: "nav.settings", needs: "settings.manage", render: () => <SettingsPage /> },
  { path: "/admin/roles", label: "nav.roles", needs: "roles.manage", render: () => <RolesPage /> },
  { path: "/admin/devices", label: "nav.devices", needs: "devices.read", render: (me) => <DevicesAdminPage canEdit={me.permissions.includes("settings.manage")} /> },
  { path: "/admin/access", label: "nav.access", needs: "settings.manage", render: () => <AccessPoliciesPage /> },
  { path: "/admin/reports", label: "nav.reports", needs: "reports.read", render: () => <ReportsPage /> },
  { path: "/admin/audit", label: "nav.audit", needs: "reports.read", render: () => <AuditPage /> },
  { path: "/admin/deploy-macs", label: "nav.deployMacs", needs: "settings.manage", render: () => <DeployMacsPage /> },
];

export function App() {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    loadMe().then(setMe, (e: Error) => setLoadError(e.message));
  }, []);
  if (loadError) return <main className="center-card"><p className="error">{loadError}</p></main>;
  if (me === undefined) return <main className="center-card" aria-busy="true">{t("common.loading")}</main>;
  if (me === null) return <SignInScreen title={t("console.title")} explanation={t("console.signInExplanation")} />;
  return <Shell me={me} />;
}

function Shell({ me }: { me: Me }) {
  const { t } = useTranslation();
  const path = usePath();
  const helper = useMemo(() => new HelperSession(me.user.name), [me.user.name]);
  useEffect(() => () => helper.dispose(), [helper]);
  const { phase } = useStore(helper.store);
  const pages = PAGES.filter((p) => !p.needs || me.permissions.includes(p.needs));
  const page = pages.find((p) => p.path === path) ?? pages[0]!;
  const inSession = phase !== "idle" && phase !== "creating";

  return (
    <div className={inSession ? "shell in-session" : "shell"}>
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate("/"))}>Tandem</a>
        <nav aria-label={t("nav.label")}>
          {pages.map((p) => (
            <a key={p.path} href={p.path} aria-current={p === page && !inSession ? "page" : undefined} onClick={(e) => (e.preventDefault(), navigate(p.path))}>
              {t(p.label)}
            </a>
          ))}
        </nav>
        <span className="who" data-testid="signed-in-as" dir="auto">{me.user.name}</span>
        <LanguagePicker />
        <button type="button" className="link" onClick={() => void signOut()}>{t("common.signOut")}</button>
      </header>
      {inSession ? <SessionScreen helper={helper} me={me} /> : page.render(me, helper)}
    </div>
  );
}
