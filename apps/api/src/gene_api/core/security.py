"""Bearer tokens of the jobs API: HS256 JWTs (PyJWT) signed with TOKEN_SIGNING_KEY.

A token's `sub` is the account that owns the jobs it submits and may read; `exp` is required. The
Django frontend mints tokens for its users with the same key, their account's id as the subject
(a UUID made with the account and never reused, so a later account of a deleted one's name sees
none of its jobs); `gene-api token NAME` (`make token NAME=alice`) mints one whose account is
NAME, for the local stack and scripts.
"""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

ALGORITHM = "HS256"
# The API accepts tokens meant for it only.
AUDIENCE = "chr21-api"
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}")
DEFAULT_LIFETIME = timedelta(hours=12)
# HS256 needs a key of at least its hash's length (RFC 7518 3.2).
MIN_KEY_BYTES = 32


class TokenError(ValueError):
    pass


def check_user_name(name: str) -> str:
    if not USER_NAME.fullmatch(name):
        raise TokenError("a user name is 1-64 letters, digits or . _ @ -, starting with a letter or digit")
    return name


def mint_token(key: str, user: str, lifetime: timedelta = DEFAULT_LIFETIME) -> str:
    if len(key.encode()) < MIN_KEY_BYTES:
        raise TokenError(f"the signing key must be at least {MIN_KEY_BYTES} bytes long")
    issued = datetime.now(UTC)
    claims = {"sub": check_user_name(user), "aud": AUDIENCE, "iat": issued, "exp": issued + lifetime}
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def verify_token(key: str, token: str) -> str:
    """The token's user; raises TokenError saying why the token is refused."""
    try:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], audience=AUDIENCE, options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("the token has expired") from None
    except jwt.InvalidTokenError as error:
        raise TokenError(f"the token is not valid: {error}") from None
    return check_user_name(str(claims["sub"]))


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": 'Bearer realm="chr21"'})


# Declares the scheme in the OpenAPI document; the checks and their messages are ours.
BEARER = HTTPBearer(
    auto_error=False, description="a JWT: `make token NAME=you` prints one for the local stack"
)
# Far longer than any token we mint: a bound on what is parsed.
MAX_TOKEN_CHARS = 4096


async def current_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> str:
    key = request.app.state.settings.token_signing_key
    if key is None:
        raise HTTPException(
            status_code=503, detail="the jobs API is off: this server has no TOKEN_SIGNING_KEY"
        )
    token = credentials.credentials.strip() if credentials else ""
    if not token:
        raise _unauthorized("send 'Authorization: Bearer <token>' (make token NAME=you prints one locally)")
    if len(token) > MAX_TOKEN_CHARS:
        raise _unauthorized("the token is too long")
    try:
        return verify_token(key.get_secret_value(), token)
    except TokenError as error:
        raise _unauthorized(str(error)) from None


UserDep = Annotated[str, Depends(current_user)]
