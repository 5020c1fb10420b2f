"""Qonto Embed helpers (qonto-api.md §3.1 rows 48-49): Embed Auth Links and encoded-request dispatch."""

import enum
from datetime import datetime

import attrs

__all__ = ["EmbedAuthLink", "EmbedPostAuthnAction", "EncodedResponse"]


class EmbedPostAuthnAction(enum.StrEnum):
    """``post_authn_action``: the Hosted Page to open once the customer is authenticated (an unknown value stays
    a plain str)."""

    CREATE_PAYMENT_LINK = "create_payment_link"


@attrs.frozen(kw_only=True, weakref_slot=False)
class EmbedAuthLink:
    """``POST /v1/embed_auth_links``: a link that signs the customer in to Qonto Embed's Hosted Pages.

    ``url`` signs someone in, so it is a credential: it is left out of ``repr``. It stops working at
    ``expired_at``, and once used (``used_at``).
    """

    url: str | None = attrs.field(default=None, repr=False)
    post_authn_action: EmbedPostAuthnAction | str | None = None
    callback_url: str | None = None
    expired_at: datetime | None = None
    used_at: datetime | None = None


@attrs.frozen(kw_only=True, weakref_slot=False)
class EncodedResponse:
    """``POST /v1/encoded_requests/dispatch``: the proxied endpoint's answer, encoded for Qonto's client SDK.

    ``data`` is opaque: hand it back to the SDK that built the request. Left out of ``repr``.
    """

    data: str | None = attrs.field(default=None, repr=False)
