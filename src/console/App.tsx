import { type ReactElement, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Permission } from "../protocol/index.js";
import { loadMe, type Me, signOut } from "../web-client/api.js";
import { LanguagePicker } from "../ui/components/LanguagePicker.js";
import { SignInScreen } from "../ui/components/SignInScreen.js";
import { navigate, usePath } from "../ui/router.js";
import { useStore } from "../ui/use-store.js";
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

/** `admin`: listed in the admin area's own menu, reached from one Administration link in the top bar. */
const PAGES: { path: string; label: string; needs: Permission | null; admin?: true; render: (me: Me, helper: HelperSession) => ReactElement }[] = [
  { path: "/", label: "nav.home", needs: null, render: (me, helper) => <HomePage me={me} helper={helper} /> },
  { path: "/history", label: "nav.history", needs: null, render: () => <HistoryPage /> },
  { path: "/admin/settings", admin: true, label: "nav.settings", needs: "settings.manage", render: () => <SettingsPage /> },
  { path: "/admin/roles", admin: true, label: "nav.roles", needs: "roles.manage", render: () => <RolesPage /> },
  { path: "/admin/devices", label: "nav.devices", needs: "devices.read", render: (me) => <DevicesAdminPage canEdit={me.permissions.includes("settings.manage")} /> },
  { path: "/admin/access", admin: true, label: "nav.access", needs: "settings.manage", render: () => <AccessPoliciesPage /> },
  { path: "/admin/reports", admin: true, label: "nav.reports", needs: "reports.read", render: () => <ReportsPage /> },
  { path: "/admin/audit", admin: true, label: "nav.audit", needs: "reports.read", render: () => <AuditPage /> },
  { path: "/admin/deploy-macs", admin: true, label: "nav.deployMacs", needs: "settings.manage", render: () => <DeployMacsPage /> },
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
  const mainPages = pages.filter((p) => !p.admin);
  const adminPages = pages.filter((p) => p.admin);

  return (
    <div className={inSession ? "shell in-session" : "shell"}>
      <header className="topbar">
        <a className="brand" href="/" onClick={(e) => (e.preventDefault(), navigate("/"))}>Tandem</a>
        <nav aria-label={t("nav.label")}>
          {mainPages.map((p) => (
            <NavLink key={p.path} page={p} current={p === page && !inSession} />
          ))}
          {adminPages.length > 0 && <NavLink page={{ ...adminPages[0]!, label: "nav.admin" }} current={!!page.admin && !inSession} />}
        </nav>
        <span className="who" data-testid="signed-in-as" dir="auto">{me.user.name}</span>
        <LanguagePicker />
        <button type="button" className="link" onClick={() => void signOut()}>{t("common.signOut")}</button>
      </header>
      {inSession ? (
        <SessionScreen helper={helper} me={me} />
      ) : page.admin ? (
        // The admin pages have their own menu beside them, so the top bar stays one row in every language.
        <div className="admin-area">
          <nav className="admin-nav" aria-label={t("nav.adminLabel")}>
            {adminPages.map((p) => (
              <NavLink key={p.path} page={p} current={p === page} />
            ))}
          </nav>
          {page.render(me, helper)}
        </div>
      ) : (
        page.render(me, helper)
      )}
    </div>
  );
}

function NavLink({ page, current }: { page: { path: string; label: string }; current: boolean }) {
  const { t } = useTranslation();
  return (
    <a href={page.path} aria-current={current ? "page" : undefined} onClick={(e) => (e.preventDefault(), navigate(page.path))}>
      {t(page.label)}
    </a>
  );
}
