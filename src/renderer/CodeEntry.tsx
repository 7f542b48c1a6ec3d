import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

const LENGTH = 8;
/** Crockford base32 plus the look-alikes the broker folds (o→0, i/l→1); anything else is not part of a code. */
const CODE_CHAR = /[0-9a-hjkmnp-tv-zA-HJKMNP-TV-ZoOiIlL]/;

/** Eight boxes that behave like one field: type, paste a whole code (with or without a hyphen), backspace across. */
export function CodeEntry({ initial, busy, onSubmit }: { initial: string; busy: boolean; onSubmit: (code: string) => void }) {
  const { t } = useTranslation();
  const [chars, setChars] = useState<string[]>(() => spread(initial));
  const boxes = useRef<(HTMLInputElement | null)[]>([]);

  function fill(from: number, text: string) {
    const incoming = [...text].filter((c) => CODE_CHAR.test(c)).map((c) => c.toUpperCase());
    if (!incoming.length) return;
    const next = [...chars];
    incoming.slice(0, LENGTH - from).forEach((c, i) => (next[from + i] = c));
    setChars(next);
    boxes.current[Math.min(from + incoming.length, LENGTH - 1)]?.focus();
  }
  function onKeyDown(i: number, e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Backspace" && !chars[i] && i > 0) {
      const next = [...chars];
      next[i - 1] = "";
      setChars(next);
      boxes.current[i - 1]?.focus();
      e.preventDefault();
    } else if (e.key === "ArrowLeft" && i > 0) boxes.current[i - 1]?.focus();
    else if (e.key === "ArrowRight" && i < LENGTH - 1) boxes.current[i + 1]?.focus();
  }
  function onPaste(i: number, e: ClipboardEvent<HTMLInputElement>) {
    e.preventDefault();
    fill(i, e.clipboardData.getData("text"));
  }
  const code = chars.join("");
  function submit(e: FormEvent) {
    e.preventDefault();
    if (code.length === LENGTH) onSubmit(code);
  }

  return (
    <form className="code-entry" onSubmit={submit} data-testid="code-form">
      <fieldset dir="ltr" aria-label={t("sharer.codeLabel")}>
        {chars.map((c, i) => (
          <input
            key={i}
            ref={(el) => {
              boxes.current[i] = el;
            }}
            value={c}
            inputMode="text"
            autoComplete="one-time-code"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={LENGTH}
            aria-label={t("sharer.codeBox", { n: i + 1 })}
            data-testid={`code-box-${i}`}
            className={i === 3 ? "gap-after" : ""}
            onChange={(e) => {
              const value = e.target.value;
              if (!value) {
                const next = [...chars];
                next[i] = "";
                setChars(next);
              } else if (value.length === 2 && chars[i]) {
                // One character typed into a filled box, before or after the old one (wherever the caret was): it replaces it.
                fill(i, value.startsWith(chars[i]!) ? value.slice(1) : value.slice(0, 1));
              } else fill(i, value);
            }}
            onFocus={(e) => e.target.select()} // typing over a box replaces its character
            onKeyDown={(e) => onKeyDown(i, e)}
            onPaste={(e) => onPaste(i, e)}
          />
        ))}
      </fieldset>
      <button type="submit" className="primary big" disabled={busy || code.length !== LENGTH} data-testid="join">
        {t("sharer.join")}
      </button>
    </form>
  );
}

function spread(initial: string): string[] {
  const chars = [...initial].filter((c) => CODE_CHAR.test(c)).map((c) => c.toUpperCase()).slice(0, LENGTH);
  return Array.from({ length: LENGTH }, (_, i) => chars[i] ?? "");
}
