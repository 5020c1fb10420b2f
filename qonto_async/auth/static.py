"""``StaticKeyAuth``: Qonto's API key, sent as ``Authorization: {login}:{secret_key}`` (qonto-api.md §2.1).

Not HTTP Basic, not Bearer, no base64. The checks below refuse, at construction and each with its own message,
the mistakes Qonto's API-key troubleshooting page lists, so a wrong key fails before it costs a 401 (and before
a burst of 401s triggers Qonto's throttle, qonto-api.md §6.2).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from qonto_async.auth._base import FAST_HEADERS, AuthContext, FastHeaders
from qonto_async.errors import CredentialFormatError

# The login is the organization slug, e.g. "pied-piper-7132"; the secret a 32-character key such as
# "62885d39f3a0ddedd3d3ee0432a43ccr" (qonto-api.md §2.1). Used only to spot a swap, never to refuse a key.
_SLUG_SHAPE: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-\d+$")
_KEY_SHAPE: Final = re.compile(r"^[A-Za-z0-9]{32}$")
_B64_SHAPE: Final = re.compile(r"^[A-Za-z0-9+/_-]{8,}={0,2}$")
# The scheme word must be followed by whitespace (or end the value): a slug such as "basic-fit-1234" or
# "bearer-co-12" is a legitimate login, not a scheme prefix.
_PREFIX: Final = re.compile(r"^\s*(bearer|basic)(?=\s|$)", re.IGNORECASE)
# Straight and typographic quotes: wrapped around a value by a .env file, a shell or a word processor.
_QUOTES: Final = frozenset("\"'`\u201c\u201d\u2018\u2019\u201a\u201e\u00ab\u00bb\u2039\u203a\u2032\u2033")
# Whitespace reported by its own message (line breaks, spaces and tabs); other control characters are damage.
_COMMON_SPACE: Final = frozenset(" \t\n\r\v\f")


def _describe(ch: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: names a damaged character without quoting the value around it."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"


def _check_damage(name: str, value: str) -> None:
    """Printable ASCII without quotes only; each kind of copy-paste damage gets its own message.

    Messages name the offending character and its position, never the value (it may be the secret).
    """
    for position, ch in enumerate(value, start=1):
        if ch in _COMMON_SPACE:
            continue  # the whitespace check that follows explains these
        if unicodedata.category(ch) == "Cf":
            raise CredentialFormatError(
                f"copy-paste damage: StaticKeyAuth {name} contains an invisible character ({_describe(ch)}) at "
                f"position {position}. Zero-width characters and byte-order marks are picked up from web pages, "
                "chat apps and some editors: type or paste the value again through a plain-text editor."
            )
        if unicodedata.category(ch) == "Cc":
            raise CredentialFormatError(
                f"copy-paste damage: StaticKeyAuth {name} contains a control character ({_describe(ch)}) at "
                f"position {position}. Qonto keys are printable ASCII: copy the value again from the Qonto web app."
            )
        if ch in _QUOTES:
            raise CredentialFormatError(
                f"copy-paste damage: StaticKeyAuth {name} contains a quote character ({_describe(ch)}) at "
                f"position {position}. Qonto keys contain no quotes: remove the quotes around the value (from a "
                ".env file, a shell command or a document that turned them into typographic quotes)."
            )
        if not ch.isascii():
            raise CredentialFormatError(
                f"copy-paste damage: StaticKeyAuth {name} contains a non-ASCII character ({_describe(ch)}) at "
                f"position {position}. Qonto keys are plain ASCII letters, digits and dashes: copy the value again "
                "from the Qonto web app rather than retyping it or passing it through a word processor."
            )


def _decodes_to_pair(value: str) -> bool:
    """True if ``value`` is a base64 encoding of ``something:something`` (the Basic-auth habit)."""
    if not _B64_SHAPE.match(value) or len(value) % 4 not in (0, 2, 3):
        return False
    padded = value + "=" * (-len(value) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decode(padded)
        except (binascii.Error, ValueError):
            continue
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            continue
        # `echo "login:secret" | base64` encodes the trailing newline too: still the same mistake.
        text = text.rstrip("\r\n")
        left, sep, right = text.partition(":")
        if sep and left and right and text.isprintable():
            return True
    return False


def _check_part(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise CredentialFormatError(f"StaticKeyAuth {name} must be a string, got {type(value).__name__}.")
    if not value:
        raise CredentialFormatError(
            f"StaticKeyAuth {name} is empty. Copy the login and the secret key from the Qonto web app "
            "(Settings > Integrations and Partnerships > API key)."
        )
    if _PREFIX.match(value):
        scheme = _PREFIX.match(value).group(1).capitalize()  # type: ignore[union-attr]
        raise CredentialFormatError(
            f"StaticKeyAuth {name} starts with '{scheme} '. Qonto's API key takes no scheme prefix: the header "
            "is exactly 'login:secret_key'. Pass the bare values; the client builds the header."
        )
    _check_damage(name, value)
    if any(ch.isspace() for ch in value):
        kind = "a line break" if ("\n" in value or "\r" in value) else "spaces or tabs"
        raise CredentialFormatError(
            f"StaticKeyAuth {name} contains {kind}. Qonto keys contain none: remove whitespace picked up "
            "when copying (often a trailing newline from a file or environment variable)."
        )
    if ":" in value:
        raise CredentialFormatError(
            f"StaticKeyAuth {name} contains ':'. Pass the login and the secret key separately, "
            "StaticKeyAuth(login='your-org-1234', secret_key='...'), or use StaticKeyAuth.from_header_value() "
            "for a 'login:secret_key' string."
        )
    if _decodes_to_pair(value):
        raise CredentialFormatError(
            f"StaticKeyAuth {name} looks like a base64 encoding of 'login:secret'. Qonto's API key is not "
            "HTTP Basic auth and is never base64-encoded: pass the plain login and secret key."
        )
    return value


class StaticKeyAuth:
    """Authenticate with an organization's API key (login + secret key).

    The key reaches only a mostly read-only subset of the API; payments and other sensitive writes need
    :class:`~qonto_async.OAuthBearerAuth` (qonto-api.md §2.1).
    """

    __slots__ = ("_header_dict", "_headers", "_login")

    def __init__(self, *, login: str, secret_key: str) -> None:
        login = _check_part("login", login)
        secret_key = _check_part("secret_key", secret_key)
        if _KEY_SHAPE.match(login) and not _KEY_SHAPE.match(secret_key) and "-" in secret_key:
            raise CredentialFormatError(
                "StaticKeyAuth login and secret_key look swapped: the login is your organization slug "
                "(like 'pied-piper-7132') and the secret key is the 32-character value. Swap the two arguments."
            )
        if login == secret_key:
            raise CredentialFormatError("StaticKeyAuth login and secret_key are identical; one of them is wrong.")
        self._login = login
        # Built once: the fast path hands out the same read-only mapping on every attempt.
        self._header_dict = {"Authorization": f"{login}:{secret_key}"}  # for the session only (FAST_HEADERS)
        self._headers: Mapping[str, str] = MappingProxyType(self._header_dict)

    @classmethod
    def from_header_value(cls, value: str) -> StaticKeyAuth:
        """Build from a ``login:secret_key`` string (as Qonto's web app shows it)."""
        if not isinstance(value, str):
            raise CredentialFormatError(f"The API key must be a string, got {type(value).__name__}.")
        stripped = value.strip()
        if _PREFIX.match(stripped):
            _check_part("value", stripped)
        if ":" not in stripped:
            if _decodes_to_pair(stripped):
                _check_part("value", stripped)
            raise CredentialFormatError(
                "The API key has no ':' separator. It must be 'login:secret_key', e.g. "
                "'pied-piper-7132:<32-character secret>'."
            )
        login, _, secret_key = value.partition(":")
        if ":" in secret_key:
            raise CredentialFormatError(
                "The API key contains more than one ':'. It must be exactly 'login:secret_key'."
            )
        return cls(login=login, secret_key=secret_key)

    @property
    def login(self) -> str:
        """The organization slug (not a secret)."""
        return self._login

    async def headers(self, ctx: AuthContext) -> Mapping[str, str]:
        return self._headers

    def _current_headers(self) -> Mapping[str, str]:
        return self._header_dict

    async def on_unauthorized(self, ctx: AuthContext, sent_headers: Mapping[str, str]) -> bool:
        # A static key cannot be refreshed; the AuthenticationError explains what to check.
        return False

    def __repr__(self) -> str:
        return f"StaticKeyAuth(login={self._login!r}, secret_key='***')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickling would write the secret wherever the pickle goes (queues, caches): refuse it.
        raise TypeError("StaticKeyAuth cannot be pickled: it holds a secret key.")


FAST_HEADERS[StaticKeyAuth] = FastHeaders(
    StaticKeyAuth.headers, StaticKeyAuth._current_headers, StaticKeyAuth.headers
)
