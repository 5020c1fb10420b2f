"""The public API is what ``__init__.py`` exports (DESIGN §10.1): pinned here, so a change is a deliberate one."""

from __future__ import annotations

import pytest

import qonto_async
import qonto_async.auth

PUBLIC = [
    "PRODUCTION",
    "SANDBOX",
    "APIError",
    "AsyncPaginator",
    "AuthContext",
    "AuthStrategy",
    "AuthenticationError",
    "AuthorizationRequest",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "CredentialFormatError",
    "Environment",
    "ErrorDetail",
    "ErrorSource",
    "EventLoopMismatchError",
    "FileTokenStore",
    "GoneError",
    "InvalidFileError",
    "InvalidGrantError",
    "MalformedSignatureHeader",
    "MemoryTokenStore",
    "NotFoundError",
    "OAuthBearerAuth",
    "OAuthError",
    "OAuthToken",
    "PKCEPair",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "QontoClient",
    "QontoConnectionError",
    "QontoDeprecationWarning",
    "QontoError",
    "QontoTimeoutError",
    "RateLimitError",
    "ResponseDecodeError",
    "ResponseInfo",
    "RetryPolicy",
    "ScaDenied",
    "ScaError",
    "ScaExpired",
    "ScaPolicy",
    "ScaRequired",
    "ScaSessionInvalidError",
    "ServerError",
    "StagingTokenError",
    "StaticKeyAuth",
    "SyncQontoClient",
    "Timeout",
    "TokenStore",
    "TokenStoreError",
    "TransportError",
    "UploadFile",
    "ValidationError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "__version__",
    "build_authorization_url",
    "capture_responses",
    "exchange_code",
    "get_environment",
    "new_state",
    "register_environment",
]

AUTH_PUBLIC = [
    "AuthContext",
    "AuthStrategy",
    "AuthorizationRequest",
    "FileTokenStore",
    "MemoryTokenStore",
    "OAuthBearerAuth",
    "OAuthToken",
    "PKCEPair",
    "StaticKeyAuth",
    "TokenEndpoint",
    "TokenStore",
    "build_authorization_url",
    "exchange_code",
    "new_state",
]


def _isort_style(name: str) -> tuple[int, str]:
    # ruff's RUF022 order: SCREAMING_CASE constants, then CamelCase classes, then everything else.
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@pytest.mark.parametrize(
    "names", [pytest.param(PUBLIC, id="qonto_async"), pytest.param(AUTH_PUBLIC, id="qonto_async.auth")]
)
def test_pinned_lists_are_sorted_without_duplicates(names: list[str]) -> None:
    assert sorted(names, key=_isort_style) == names
    assert len(set(names)) == len(names)


def test_package_all_is_pinned() -> None:
    assert list(qonto_async.__all__) == PUBLIC


def test_auth_all_is_pinned() -> None:
    assert list(qonto_async.auth.__all__) == AUTH_PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(qonto_async, name) is not None


@pytest.mark.parametrize("name", AUTH_PUBLIC)
def test_every_auth_name_resolves(name: str) -> None:
    value = getattr(qonto_async.auth, name)
    if name in PUBLIC:
        # One object, whichever way it is imported.
        assert getattr(qonto_async, name) is value


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from qonto_async import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(PUBLIC)


def test_version_is_a_string() -> None:
    assert isinstance(qonto_async.__version__, str)
    assert qonto_async.__version__
