"""Bearer tokens the frontend mints for its signed-in users, to call the jobs API as them:
the API's token format (HS256 JWT, `sub` the user name, audience `chr21-api`, `exp`), signed
with the key both share (TOKEN_SIGNING_KEY). Short-lived: one is minted for each call."""

import re
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings

ALGORITHM = "HS256"
AUDIENCE = "chr21-api"
LIFETIME = timedelta(minutes=5)
# The user names the API accepts as a token's subject; sign-up asks for one of these.
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}")


class NoSigningKey(RuntimeError):
    pass


def mint(user_name: str) -> str:
    key = settings.TOKEN_SIGNING_KEY
    if not key:
        raise NoSigningKey("TOKEN_SIGNING_KEY is not set: the frontend cannot call the jobs API")
    issued = datetime.now(UTC)
    claims = {"sub": user_name, "aud": AUDIENCE, "iat": issued, "exp": issued + LIFETIME}
    return jwt.encode(claims, key, algorithm=ALGORITHM)
