import { escapeHtml } from "./provider.js";

/** The IdP's sign-in page: plain, accessible, no script. */
export function loginPage(o: { action: string; clientName: string; error?: string; username?: string }): string {
  const error = o.error ? `<p role="alert" id="error" class="error">${escapeHtml(o.error)}</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Tandem</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem;color:#111}
label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #555;border-radius:4px}
input:focus{outline:3px solid #1a5fb4;outline-offset:1px}
button{margin-top:1.5rem;font:inherit;padding:.6rem 1.2rem;background:#1a5fb4;color:#fff;border:0;border-radius:4px}
.hint{font-weight:400;color:#444;font-size:.9rem}.error{color:#a51d2d;font-weight:600}
</style></head>
<body><main>
<h1>Sign in</h1>
<p>to continue to ${escapeHtml(o.clientName)}</p>
${error}
<form method="post" action="${escapeHtml(o.action)}" ${o.error ? 'aria-describedby="error"' : ""}>
<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username" required value="${escapeHtml(o.username ?? "")}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="otp">One-time code <span class="hint">(only if you set up a second factor)</span></label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6">
<button type="submit">Sign in</button>
</form>
</main></body></html>`;
}
