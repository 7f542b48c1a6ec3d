import { ar } from "./ar.js";
import { ca } from "./ca.js";
import { cs } from "./cs.js";
import { da } from "./da.js";
import { de } from "./de.js";
import { en, type Strings } from "./en.js";
import { es } from "./es.js";
import { fi } from "./fi.js";
import { fr } from "./fr.js";
import { he } from "./he.js";
import { it } from "./it.js";
import { ja } from "./ja.js";
import { ko } from "./ko.js";
import type { LanguageCode } from "./languages.js";
import { nb } from "./nb.js";
import { nl } from "./nl.js";
import { pl } from "./pl.js";
import { ptBR } from "./pt-BR.js";
import { ptPT } from "./pt-PT.js";
import { ru } from "./ru.js";
import { sv } from "./sv.js";
import { tr } from "./tr.js";
import { uk } from "./uk.js";
import { zh } from "./zh.js";
import { zhHant } from "./zh-Hant.js";

/** Every language at once, for Node (the desktop shell, tests); the web pages load theirs alone (languages.ts). */
export const ALL_STRINGS: Record<LanguageCode, Strings> = { en, ca, cs, da, de, es, fr, it, nl, nb, pl, "pt-BR": ptBR, "pt-PT": ptPT, fi, sv, tr, ru, uk, he, ar, ja, ko, zh, "zh-Hant": zhHant };
