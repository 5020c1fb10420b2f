"""Authentication: the :class:`AuthStrategy` protocol, the API key, OAuth, token stores and the OAuth flow.

``RedisTokenStore`` (one grant shared by many hosts) lives in :mod:`qonto_async.auth.redis_store`, imported from
there because it needs the ``redis`` extra (``pip install 'qonto-async[redis]'``).
"""

from qonto_async.auth._base import AuthContext, AuthStrategy, TokenEndpoint
from qonto_async.auth.flow import (
    AuthorizationRequest,
    PKCEPair,
    build_authorization_url,
    exchange_code,
    new_state,
)
from qonto_async.auth.oauth import OAuthBearerAuth
from qonto_async.auth.static import StaticKeyAuth
from qonto_async.auth.tokens import FileTokenStore, MemoryTokenStore, OAuthToken, TokenStore

__all__ = [
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
