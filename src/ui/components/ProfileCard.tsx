import { useTranslation } from "react-i18next";
import type { Party } from "../../protocol/index.js";

/** A party's verified identity, as their organisation's identity provider states it. */
export function ProfileCard({ party, caption }: { party: Party; caption: string }) {
  const { t } = useTranslation();
  const initials = party.name.split(/\s+/).map((w) => w[0]).join("").slice(0, 2);
  return (
    <section className="profile" aria-label={caption} data-testid="profile">
      <p className="caption">{caption}</p>
      <div className="profile-row">
        {party.photoUrl ? <img className="avatar" src={party.photoUrl} alt="" width={72} height={72} /> : <span className="avatar initials">{initials}</span>}
        <div>
          <p className="name" dir="auto" data-testid="profile-name">{party.name}</p>
          <p dir="auto" data-testid="profile-title">{party.jobTitle}</p>
          <p dir="auto" data-testid="profile-company">{party.company}</p>
          {party.verifiedDomain ? (
            <p className="verified" data-testid="profile-domain">
              ✔ {t("trust.verifiedDomain", { domain: party.verifiedDomain })}
            </p>
          ) : (
            <p className="unverified">{t("trust.unverifiedDomain")}</p>
          )}
        </div>
      </div>
    </section>
  );
}
