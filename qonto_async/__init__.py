"""qonto_async: the async Python client for the Qonto Business API.

::

    from qonto_async import QontoClient, StaticKeyAuth

    async with QontoClient(auth=StaticKeyAuth(login="pied-piper-7132", secret_key="...")) as qonto:
        org = await qonto.organization.get()

Models live in :mod:`qonto_async.models`; webhook verification in :mod:`qonto_async.webhooks`; the local fake
server in :mod:`qonto_async.testing`.
"""

from qonto_async._version import __version__
from qonto_async.auth import (
    AuthContext,
    AuthorizationRequest,
    AuthStrategy,
    FileTokenStore,
    MemoryTokenStore,
    OAuthBearerAuth,
    OAuthToken,
    PKCEPair,
    StaticKeyAuth,
    TokenStore,
    build_authorization_url,
    exchange_code,
    new_state,
)
from qonto_async.client import QontoClient
from qonto_async.environments import PRODUCTION, SANDBOX, Environment, get_environment, register_environment
from qonto_async.errors import (
    APIError,
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    CredentialFormatError,
    ErrorDetail,
    ErrorSource,
    EventLoopMismatchError,
    GoneError,
    InvalidGrantError,
    MalformedSignatureHeader,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    PreconditionFailedError,
    QontoConnectionError,
    QontoDeprecationWarning,
    QontoError,
    QontoTimeoutError,
    RateLimitError,
    ResponseDecodeError,
    ScaDenied,
    ScaError,
    ScaExpired,
    ScaRequired,
    ScaSessionInvalidError,
    ServerError,
    StagingTokenError,
    TokenStoreError,
    TransportError,
    ValidationError,
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
)
from qonto_async.files import InvalidFileError, UploadFile
from qonto_async.pagination import AsyncPaginator, Page, PaginationError
from qonto_async.retry import RetryPolicy
from qonto_async.sca import ScaPolicy
from qonto_async.session import ResponseInfo, Timeout, capture_responses
from qonto_async.sync import SyncQontoClient

__all__ = [
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
