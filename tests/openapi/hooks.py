"""Schemathesis hooks of the OpenAPI fuzz test (tests/e2e/tests/openapi.rs).

Authentication: the session cookie reaches schemathesis as authentication, not as a
global header, so that schemathesis knows which requests carry it and can also send
them without it (negative cases, `ignored_auth`'s probes). The provider signs the
test's user in through Better Auth (`POST /api/auth/sign-in/email`) and sets the cookie
the document's `sessionCookie` security scheme names. When a request answers 401
because the session ended (a linked `revoke-session`, `sign-out`, `revoke-sessions`),
schemathesis asks it for a fresh cookie and replays the request.

Refusals of well-formed requests: see `STATE_REJECTIONS`.

Set by the test: SPINSTACK_APP (the app's origin, `http://127.0.0.1:<port>`),
SPINSTACK_WEB_ORIGIN (a trusted origin, sent as `Origin`), SPINSTACK_FUZZ_EMAIL and
SPINSTACK_FUZZ_PASSWORD (the signed-up user's credentials).
"""

import json
import os
from http.cookies import SimpleCookie

import requests
import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData

APP = os.environ["SPINSTACK_APP"]
WEB_ORIGIN = os.environ["SPINSTACK_WEB_ORIGIN"]
EMAIL = os.environ["SPINSTACK_FUZZ_EMAIL"]
PASSWORD = os.environ["SPINSTACK_FUZZ_PASSWORD"]

# The security scheme of the document that stands for Better Auth's session cookie.
SCHEME = "sessionCookie"


def cookie_name(operation):
    """The session cookie's name, as the document's security scheme states it."""
    schemes = operation.schema.raw_schema["components"]["securitySchemes"]
    return schemes[SCHEME]["name"]


# The cookie lasts 7 days: a fresh one only when a request answers 401, never on a
# timer, so a run does the same whatever its speed.
@schemathesis.auth(refresh_interval=7 * 24 * 3600)
class SessionCookie:
    """The signed-in user's session cookie, on every request."""

    def get(self, case, context):
        name = cookie_name(context.operation)
        response = requests.post(
            f"{APP}/api/auth/sign-in/email",
            json={"email": EMAIL, "password": PASSWORD},
            headers={"Origin": WEB_ORIGIN},
            allow_redirects=False,
            timeout=30,
        )
        if response.status_code != 200:
            raise RuntimeError(f"sign-in for the session cookie: {response.status_code} {response.text}")
        for line in response.raw.headers.getlist("Set-Cookie"):
            cookie = SimpleCookie()
            cookie.load(line)
            if name in cookie:
                return cookie[name].value
        raise RuntimeError(f"sign-in set no {name} cookie")

    def set(self, case, data, context):
        case.cookies[cookie_name(context.operation)] = data


# Better Auth refuses some well-formed requests with a 4xx that
# `positive_data_acceptance` counts as refusing valid data, because what decides is
# not the request's shape but a secret or a state the fuzzer cannot know, or a feature
# this configuration turns off (as the original app does). Every one is documented
# among the operation's responses. A refusal is accepted only for its operation,
# status and error code (the message, for an error without a code); any other
# refusal of schema-valid data, a `VALIDATION_ERROR` say, still fails the check.
STATE_REJECTIONS = {
    # The fuzzer does not know the user's password.
    ("POST /change-password", 400): {"INVALID_PASSWORD"},
    ("POST /verify-password", 400): {"INVALID_PASSWORD"},
    # No reset token is ever issued: there is no email sender.
    ("POST /reset-password", 400): {"INVALID_TOKEN"},
    # Off in this configuration (no email sender, no change-email, no session fields).
    ("POST /change-email", 400): {"CHANGE_EMAIL_DISABLED"},
    ("POST /request-password-reset", 400): {"RESET_PASSWORD_DISABLED"},
    ("POST /send-verification-email", 400): {"VERIFICATION_EMAIL_NOT_ENABLED"},
    ("POST /update-session", 400): {"No fields to update"},
    # deferSessionRefresh is off: every POST /get-session answers 405.
    ("POST /get-session", 405): {"METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"},
    # The user's only account is the credential one: it cannot be unlinked, no social
    # provider is configured for it, and any other id names no account of the user.
    ("POST /unlink-account", 400): {"ACCOUNT_NOT_FOUND", "FAILED_TO_UNLINK_LAST_ACCOUNT"},
    ("POST /get-access-token", 400): {"ACCOUNT_NOT_FOUND", "PROVIDER_NOT_SUPPORTED"},
    ("POST /refresh-token", 400): {"ACCOUNT_NOT_FOUND", "PROVIDER_NOT_SUPPORTED"},
    ("GET /account-info", 400): {"ACCOUNT_NOT_FOUND", "PROVIDER_NOT_CONFIGURED"},
    # The email is taken (Better Auth answers 422, not 409).
    ("POST /sign-up/email", 422): {"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"},
}


def error_code(response):
    """Better Auth's error `code`, else its `message`; None for another body."""
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    return body.get("code", body.get("message"))


@schemathesis.hook
def filter_failure(context, failure, case, response):
    """Drops a `positive_data_acceptance` failure that `STATE_REJECTIONS` accepts."""
    if not isinstance(failure, RejectedPositiveData):
        return True
    accepted = STATE_REJECTIONS.get((case.operation.label, response.status_code), set())
    return error_code(response) not in accepted
