"""Bearer tokens the frontend mints for its signed-in users, to call the jobs API as them:
the API's token format (HS256 JWT, `sub` the account's id, audience `chr21-api`, `exp`), signed
with the key both share (TOKEN_SIGNING_KEY). Short-lived: one is minted for each call. The
subject is the account's UUID (accounts/models.py), never its user name, which a later
account may take again."""

import re
from datetime import UTC, datetime, timedelta

import jwt
from django.conf import settings

ALGORITHM = "HS256"
AUDIENCE = "chr21-api"
LIFETIME = timedelta(minutes=5)
# The user names sign-up takes: plain ones (pages and logs show them; tokens carry the account id).
USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}")


class NoSigningKey(RuntimeError):
    pass


def mint(account: str) -> str:
    key = settings.TOKEN_SIGNING_KEY
    if not key:
        raise NoSigningKey("TOKEN_SIGNING_KEY is not set: the frontend cannot call the jobs API")
    issued = datetime.now(UTC)
    claims = {"sub": account, "aud": AUDIENCE, "iat": issued, "exp": issued + LIFETIME}
    return jwt.encode(claims, key, algorithm=ALGORITHM)
