"""The identity the jobs API knows a user by."""

import uuid

from django.conf import settings
from django.db import models


class Account(models.Model):
    """A UUID made with the account and never reused: the subject of the tokens the frontend
    mints (tokens.py), so the owner of the jobs the API keeps. A user name can be taken again
    once its account is deleted; this id cannot, so a new account of an old name sees nothing
    of the old one's jobs. Deleting the user deletes this row: the old jobs are orphaned (no
    token can name their owner again) and their files go with the API's retention."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")


def account_id(user) -> str:
    """The signed-in user's account id, made on first use (accounts older than this table)."""
    account, _ = Account.objects.get_or_create(user=user)
    return account.id.hex
