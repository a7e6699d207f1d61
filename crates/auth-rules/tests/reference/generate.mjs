// Records how better-auth 1.7.5 (the reference system's version) answers requests
// that exercise the request-level rules, for tests/reference.rs.
//
//   npm install better-auth@1.7.5 zod@4.6.7   (in a scratch folder)
//   NODE_PATH=<scratch>/node_modules node generate.mjs > exchanges.json
//
// The options are the template's: base URL http://localhost:3000, trusted origin
// http://localhost:3001 (CORS_ORIGIN), email/password on, NODE_ENV unset.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(pathToFileURL(`${process.env.NODE_PATH}/`).href);
const { betterAuth } = await import(pathToFileURL(require.resolve("better-auth")).href);

const auth = betterAuth({
  secret: "kq8Jx2mZp4Vw9Ln3Rt6Yb1Hc5Fd7Gs0A",
  baseURL: "http://localhost:3000",
  trustedOrigins: ["http://localhost:3001"],
  emailAndPassword: { enabled: true },
  advanced: { defaultCookieAttributes: { sameSite: "none", secure: true, httpOnly: true } },
  logger: { disabled: true },
});

const WEB = "http://localhost:3001";
const EVIL = "http://evil.example.com";
const JSON_TYPE = { "content-type": "application/json" };
const signIn = { email: "ref-user@example.com", password: "password1234" };
const signUp = { email: "new-user@example.com", password: "password1234", name: "New" };

// [name, method, path+query, headers, body (object → JSON text, string as is, null → none)]
const cases = [
  // §2.2 bodies
  ["sign-in text/plain", "POST", "/sign-in/email", { "content-type": "text/plain" }, "x"],
  ["sign-out text/plain", "POST", "/sign-out", { "content-type": "Text/Plain; charset=UTF-8" }, "{}"],
  ["sign-in without content-type", "POST", "/sign-in/email", {}, signIn],
  ["sign-in invalid JSON", "POST", "/sign-in/email", JSON_TYPE, "{bad"],
  ["revoke-sessions invalid JSON", "POST", "/revoke-sessions", JSON_TYPE, "{bad"],
  ["sign-in as form", "POST", "/sign-in/email", { "content-type": "application/x-www-form-urlencoded" }, "email=ref-user%40example.com&password=password1234"],
  ["sign-in form rememberMe", "POST", "/sign-in/email", { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" }, "email=a%40b.co&password=x&rememberMe=false"],
  ["sign-out as form", "POST", "/sign-out", { "content-type": "application/x-www-form-urlencoded" }, "a=1"],
  ["sign-in JSON with parameters", "POST", "/sign-in/email", { "content-type": "Application/JSON; charset=utf-8" }, signIn],
  ["sign-in JSON null", "POST", "/sign-in/email", JSON_TYPE, "null"],
  ["sign-up JSON array", "POST", "/sign-up/email", JSON_TYPE, "[]"],
  ["sign-out without body", "POST", "/sign-out", {}, null],
  ["sign-in without body", "POST", "/sign-in/email", {}, null],
  ["delete-user without body", "POST", "/delete-user", {}, null],
  // §5.2 router-level origin check
  ["sign-out cookie, no Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1" }, {}],
  ["sign-out cookie, Origin null", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "null" }, {}],
  ["sign-out cookie, foreign Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: EVIL }, {}],
  ["sign-out cookie, web Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: WEB }, {}],
  ["sign-out cookie, base Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "http://localhost:3000" }, {}],
  ["sign-out cookie, Origin upper case", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "HTTP://LOCALHOST:3001" }, {}],
  ["sign-out cookie, Origin with path", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "http://localhost:3001/x" }, {}],
  ["sign-out cookie, Origin other port", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "http://localhost:3002" }, {}],
  ["sign-out cookie, Origin https", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "https://localhost:3001" }, {}],
  ["sign-out cookie, Referer with path", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", referer: `${WEB}/dashboard?x=1` }, {}],
  ["sign-out cookie, foreign Referer", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", referer: `${EVIL}/` }, {}],
  ["sign-out cookie, foreign Origin, web Referer", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: EVIL, referer: `${WEB}/` }, {}],
  ["sign-out cookie, Origin null, web Referer", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "null", referer: `${WEB}/` }, {}],
  ["sign-out cookie, Origin null same-origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "null", "sec-fetch-site": "same-origin" }, {}],
  ["sign-out cookie, relative Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "/dashboard" }, {}],
  ["sign-out cookie, custom-scheme Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "myapp://x" }, {}],
  ["sign-out cookie, garbage Origin", "POST", "/sign-out", { ...JSON_TYPE, cookie: "a=1", origin: "not a url" }, {}],
  ["sign-out empty cookie header", "POST", "/sign-out", { ...JSON_TYPE, cookie: "" }, {}],
  ["sign-out no cookie, foreign Origin", "POST", "/sign-out", { ...JSON_TYPE, origin: EVIL }, {}],
  ["get-session cookie, no Origin", "GET", "/get-session", { cookie: "a=1" }, null],
  ["POST get-session cookie, no Origin", "POST", "/get-session", { cookie: "a=1" }, null],
  ["POST get-session web Origin", "POST", "/get-session", { cookie: "a=1", origin: WEB }, null],
  ["update-user cookie, foreign Origin, bad body", "POST", "/update-user", { ...JSON_TYPE, cookie: "a=1", origin: EVIL }, "[]"],
  ["update-user foreign Origin, JSON-containing type", "POST", "/update-user", { "content-type": "application/jsonx", cookie: "a=1", origin: WEB }, "5"],
  // §5.2 callback URL fields
  ["sign-in foreign callbackURL", "POST", "/sign-in/email", JSON_TYPE, { email: "a@b.co", callbackURL: "https://evil.com/x" }],
  ["sign-in numeric callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: 5 }],
  ["sign-in object callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: {} }],
  ["sign-in false callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: false }],
  ["sign-in zero callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: 0 }],
  ["sign-in relative callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/dashboard" }],
  ["sign-in relative callbackURL with query", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/dashboard?tab=a%2Fb&x=1" }],
  ["sign-in relative callbackURL with fragment", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/dashboard#top" }],
  ["sign-in relative callbackURL with unusual characters", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/a b/é~!$'()*,;:" }],
  ["sign-in protocol-relative callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "//evil.com" }],
  ["sign-in backslash callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/\\evil.com" }],
  ["sign-in encoded-slash callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/%2Fevil.com" }],
  ["sign-in encoded-backslash callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/a%5cb" }],
  ["sign-in control-character callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/a\tb" }],
  ["sign-in traversal callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "/..//evil.com" }],
  ["sign-in absolute trusted callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: `${WEB}/dashboard` }],
  ["sign-in absolute base callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "http://localhost:3000/x" }],
  ["sign-in custom-scheme callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "myapp://cb" }],
  ["sign-in javascript callbackURL", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, callbackURL: "javascript:alert(1)" }],
  ["sign-out query callbackURL", "POST", "/sign-out?callbackURL=https%3A%2F%2Fevil.com", JSON_TYPE, {}],
  ["sign-out empty body callbackURL, query callbackURL", "POST", "/sign-out?callbackURL=https%3A%2F%2Fevil.com", JSON_TYPE, { callbackURL: "" }],
  ["sign-out body callbackURL wins over query", "POST", "/sign-out?callbackURL=https%3A%2F%2Fevil.com", JSON_TYPE, { callbackURL: "/ok" }],
  ["sign-out repeated query callbackURL", "POST", "/sign-out?callbackURL=%2Fa&callbackURL=%2Fb", JSON_TYPE, {}],
  ["request-password-reset foreign redirectTo", "POST", "/request-password-reset", JSON_TYPE, { email: "a@b.co", redirectTo: "https://evil.com" }],
  ["request-password-reset boolean redirectTo", "POST", "/request-password-reset", JSON_TYPE, { email: "a@b.co", redirectTo: true }],
  ["sign-in/social foreign errorCallbackURL", "POST", "/sign-in/social", JSON_TYPE, { provider: "github", errorCallbackURL: "https://evil.com" }],
  ["sign-in/social foreign newUserCallbackURL", "POST", "/sign-in/social", JSON_TYPE, { provider: "github", newUserCallbackURL: "https://evil.com" }],
  ["sign-in/social array newUserCallbackURL", "POST", "/sign-in/social", JSON_TYPE, { provider: "github", newUserCallbackURL: ["/a"] }],
  ["sign-in/social trusted callbacks", "POST", "/sign-in/social", JSON_TYPE, { provider: "github", callbackURL: "/a", errorCallbackURL: "/b", newUserCallbackURL: `${WEB}/c` }],
  // §5.3 login CSRF
  ["sign-up cross-site navigation", "POST", "/sign-up/email", { ...JSON_TYPE, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }, signUp],
  ["sign-up cross-site navigation, invalid body", "POST", "/sign-up/email", { ...JSON_TYPE, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }, { email: "x" }],
  ["sign-in cross-site cors without Origin", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors" }, signIn],
  ["sign-in same-site with web Origin", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-site": "same-site", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty", origin: WEB, referer: `${WEB}/` }, signIn],
  ["sign-in blank fetch metadata, no Origin", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-dest": "  " }, signIn],
  ["sign-in fetch-dest only, no Origin", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-dest": "document" }, signIn],
  ["sign-in capitalised cross-site navigate", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-site": "Cross-Site", "sec-fetch-mode": "navigate" }, signIn],
  ["sign-in cross-site navigate with web Origin", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", origin: WEB }, signIn],
  ["sign-in cross-site navigate with cookie and web Origin", "POST", "/sign-in/email", { ...JSON_TYPE, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", origin: WEB, cookie: "a=1" }, signIn],
  ["sign-in foreign Origin", "POST", "/sign-in/email", { ...JSON_TYPE, origin: EVIL }, signIn],
  ["sign-up foreign Origin, missing name", "POST", "/sign-up/email", { ...JSON_TYPE, origin: EVIL }, { email: "a@b.co", password: "password1234" }],
  ["sign-in foreign Referer", "POST", "/sign-in/email", { ...JSON_TYPE, referer: `${EVIL}/login` }, signIn],
  ["sign-in web Referer", "POST", "/sign-in/email", { ...JSON_TYPE, referer: `${WEB}/login` }, signIn],
  ["sign-in Origin null", "POST", "/sign-in/email", { ...JSON_TYPE, origin: "null" }, signIn],
  ["sign-in no Origin, no cookie", "POST", "/sign-in/email", JSON_TYPE, signIn],
  ["sign-in cookie, no Origin", "POST", "/sign-in/email", { ...JSON_TYPE, cookie: "a=1" }, signIn],
  // §2.5 / §10 validation
  ["sign-up invalid email", "POST", "/sign-up/email", JSON_TYPE, { email: "not-an-email", password: "password1234", name: "Bad" }],
  ["sign-up missing name", "POST", "/sign-up/email", JSON_TYPE, { email: "noname@example.com", password: "password1234" }],
  ["sign-up empty password", "POST", "/sign-up/email", JSON_TYPE, { ...signUp, password: "" }],
  ["sign-up empty object", "POST", "/sign-up/email", JSON_TYPE, {}],
  ["sign-up wrong types", "POST", "/sign-up/email", JSON_TYPE, { name: 1, email: null, password: true, image: [], callbackURL: "/x", rememberMe: "yes" }],
  ["sign-up without body", "POST", "/sign-up/email", {}, null],
  ["sign-in missing password", "POST", "/sign-in/email", JSON_TYPE, { email: "a@b.co" }],
  ["sign-in invalid email", "POST", "/sign-in/email", JSON_TYPE, { email: "nobody", password: "x" }],
  ["sign-in null rememberMe", "POST", "/sign-in/email", JSON_TYPE, { ...signIn, rememberMe: null }],
  ["sign-out null body", "POST", "/sign-out", JSON_TYPE, "null"],
  ["sign-out wrong types", "POST", "/sign-out", JSON_TYPE, { disableRedirect: "x", state: 1 }],
  ["revoke-session without token", "POST", "/revoke-session", JSON_TYPE, {}],
  ["revoke-session without body", "POST", "/revoke-session", {}, null],
  ["update-user array", "POST", "/update-user", JSON_TYPE, "[]"],
  ["update-user string", "POST", "/update-user", JSON_TYPE, "\"x\""],
  ["update-session null", "POST", "/update-session", JSON_TYPE, "null"],
  ["change-password empty", "POST", "/change-password", JSON_TYPE, {}],
  ["change-password revoke flag", "POST", "/change-password", JSON_TYPE, { newPassword: "a", currentPassword: "b", revokeOtherSessions: "true" }],
  ["change-email invalid", "POST", "/change-email", JSON_TYPE, { newEmail: "a@b" }],
  ["delete-user wrong password type", "POST", "/delete-user", JSON_TYPE, { password: 1 }],
  ["request-password-reset invalid email", "POST", "/request-password-reset", JSON_TYPE, { email: "A@B" }],
  ["reset-password empty", "POST", "/reset-password", JSON_TYPE, {}],
  ["reset-password repeated query token", "POST", "/reset-password?token=a&token=b", JSON_TYPE, { newPassword: "password1234" }],
  ["verify-password empty", "POST", "/verify-password", JSON_TYPE, {}],
  ["send-verification-email empty email", "POST", "/send-verification-email", JSON_TYPE, { email: "" }],
  ["unlink-account providerId only", "POST", "/unlink-account", JSON_TYPE, { providerId: "credential" }],
  ["sign-in/social empty", "POST", "/sign-in/social", JSON_TYPE, {}],
  ["sign-in/social numeric provider", "POST", "/sign-in/social", JSON_TYPE, { provider: 5 }],
  ["sign-in/social nested", "POST", "/sign-in/social", JSON_TYPE, { provider: "x", idToken: { token: 1, user: { name: 5 } }, scopes: [1, "a", null], additionalParams: { a: 1 }, additionalData: [], disableRedirect: 1 }],
  ["link-social nested", "POST", "/link-social", JSON_TYPE, { provider: "x", idToken: {}, scopes: {} }],
  ["get-access-token empty", "POST", "/get-access-token", JSON_TYPE, {}],
  ["get-access-token extra keys", "POST", "/get-access-token", JSON_TYPE, { accountId: "a", x: 1, y: 2 }],
  ["refresh-token both selections", "POST", "/refresh-token", JSON_TYPE, { accountId: "a", useAccountCookie: true }],
  ["account-info empty query", "GET", "/account-info", {}, null],
  ["callback POST wrong type", "POST", "/callback/github", JSON_TYPE, { code: 1 }],
  ["callback GET repeated code", "GET", "/callback/github?code=a&code=b", {}, null],
  // §5.4 GET callbacks
  ["verify-email foreign callbackURL", "GET", "/verify-email?token=x&callbackURL=https%3A%2F%2Fevil.com", {}, null],
  ["verify-email relative callbackURL", "GET", "/verify-email?token=x&callbackURL=%2Fdone", {}, null],
  ["verify-email without token", "GET", "/verify-email", {}, null],
  ["verify-email repeated token", "GET", "/verify-email?token=a&token=b", {}, null],
  ["reset-password callback relative", "GET", "/reset-password/abc?callbackURL=%2Freset", {}, null],
  ["reset-password callback missing", "GET", "/reset-password/abc", {}, null],
  ["reset-password callback foreign", "GET", "/reset-password/abc?callbackURL=http%3A%2F%2Fevil.com", {}, null],
  ["delete-user callback protocol-relative", "GET", "/delete-user/callback?token=x&callbackURL=%2F%2Fevil.com", {}, null],
];

const out = [];
for (const [name, method, target, headers, body] of cases) {
  let payload;
  if (body === null) payload = undefined;
  // Bytes, so that fetch adds no Content-Type of its own.
  else payload = new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));
  const request = new Request(`http://localhost:3000/api/auth${target}`, { method, headers, body: payload });
  const response = await auth.handler(request);
  out.push({
    name,
    method,
    target,
    headers: Object.entries(headers),
    body: payload === undefined ? null : new TextDecoder().decode(payload),
    status: response.status,
    response: await response.text(),
  });
}
console.log(JSON.stringify(out, null, 1));
