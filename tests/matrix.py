"""The permission matrix's vocabulary: the personas and the answers each may get.

A row is a dict persona → answer, made by `answers(default, **exceptions)`: a new persona
is one line in PERSONAS and takes each row's default unless a row names it. Answers: a
status code, L (redirect to the login page), M (redirect to set up two-step
verification) or R (another redirect, e.g. a logged-in person sent on from the login page).

Each app supplies its own rows and URL arguments in tests/<app>/matrix.py (ROWS,
ADMIN_ROWS, build_world(), url_kwargs()); tests/test_permission_matrix.py asks them all.
"""

PERSONAS = [
    "anonymous",
    "nobody",  # logged in, no role
    "official",  # regional official, with TOTP
    "lund_chief",
    "malmo_chief",  # the same role, another municipality
    "ystad_politician",
    "folk_high_school_rep",
    "other_org_rep",  # the same role, another organisation
    "official_without_mfa",  # a regional official who has not set up TOTP yet
]


def answers(default: str, **exceptions: str) -> dict[str, str]:
    unknown = set(exceptions) - set(PERSONAS)
    assert not unknown, f"no such persona: {unknown}"
    return {persona: exceptions.get(persona, default) for persona in PERSONAS}


def before_mfa(*rows: dict) -> tuple[dict, ...]:
    """Rows of a page open before MFA (account pages, the statement, the health check):
    the official without TOTP gets what the official gets."""
    return tuple({**row, "official_without_mfa": row["official"]} for row in rows)


# Until TOTP is set up, an official is sent to set it up from every other page (M).
PUBLIC = answers("200", official_without_mfa="M")
READ_ONLY = answers("405", official_without_mfa="M")
LOGGED_IN = answers("200", anonymous="L", official_without_mfa="M")
LOGGED_IN_READ_ONLY = answers("405", anonymous="L", official_without_mfa="M")
OFFICIALS = answers("403", anonymous="L", official="200", official_without_mfa="M")
OFFICIALS_REDIRECT = answers("403", anonymous="L", official="R", official_without_mfa="M")
ENTRANCE = answers("R", anonymous="200", official_without_mfa="M")  # for the logged-out
LOGGED_IN_REDIRECT = answers("R", anonymous="L", official_without_mfa="M")
NOT_FOUND = answers("404", official_without_mfa="M")
LOGGED_IN_NOT_FOUND = answers("404", anonymous="L", official_without_mfa="M")
