"""Log-in throttling (django-axes, settings/base.py): wrong passwords are counted per account and
per client address, on the site's log-in and the admin's; past the limit a log-in is refused
with a 429 page that says how long, even with the right password, until the cool-off ends."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import timezone

from chr21_web.client_address import client_address

PASSWORD = "a long enough password"
LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


def log_in(client: Client, page: str, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.fixture
def carol(db) -> User:
    return User.objects.create_user("carol", password=PASSWORD, is_staff=True)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_an_account_is_locked_after_the_limit_even_for_the_right_password(client, carol, page):
    for attempt in range(settings.LOGIN_FAILURE_LIMIT):
        answer = log_in(client, page, "carol", f"wrong {attempt}", address=f"192.0.2.{attempt + 1}")
        # The form again, saying the password is wrong; the last failure locks the account.
        assert answer.status_code == (429 if attempt == settings.LOGIN_FAILURE_LIMIT - 1 else 200)
    locked = log_in(client, page, "carol", PASSWORD, address="198.51.100.7")  # another address
    assert locked.status_code == 429
    assert f"Try again in {settings.LOGIN_COOLOFF_MINUTES} minutes" in locked.content.decode()
    assert not logged_in(locked)


def test_below_the_limit_the_right_password_logs_in_and_forgets_the_failures(client, carol):
    for attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        log_in(client, "/accounts/login/", "carol", f"wrong {attempt}")
    assert logged_in(log_in(client, "/accounts/login/", "carol", PASSWORD))
    client.logout()
    for attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):  # counted from zero again
        log_in(client, "/accounts/login/", "carol", f"wrong again {attempt}", address="192.0.2.99")
    assert logged_in(log_in(client, "/accounts/login/", "carol", PASSWORD, address="192.0.2.99"))


def test_an_address_is_locked_after_the_limit_whatever_the_accounts(client, carol):
    for attempt in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, "/accounts/login/", f"guess{attempt}", "wrong", address="203.0.113.5")
    assert log_in(client, "/accounts/login/", "carol", PASSWORD, address="203.0.113.5").status_code == 429
    # Another address is not locked out of carol's account, whose own failures are below the limit.
    assert logged_in(log_in(client, "/accounts/login/", "carol", PASSWORD, address="203.0.113.6"))


def test_the_lock_ends_with_the_cool_off(client, carol):
    for attempt in range(settings.LOGIN_FAILURE_LIMIT):
        log_in(client, "/accounts/login/", "carol", f"wrong {attempt}")
    assert log_in(client, "/accounts/login/", "carol", PASSWORD).status_code == 429
    # The cool-off passes: the failures are older than it.
    past = timezone.now() - timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES + 1)
    AccessAttempt.objects.update(attempt_time=past)
    assert logged_in(log_in(client, "/accounts/login/", "carol", PASSWORD))


class Request:
    def __init__(self, peer: str, forwarded: str | None = None) -> None:
        self.META = {"REMOTE_ADDR": peer}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("hops", "peer", "forwarded", "client"),
    [
        (0, "192.0.2.1", "198.51.100.1", "192.0.2.1"),  # locally the peer is the client
        (1, "10.0.0.5", "198.51.100.1", "198.51.100.1"),  # the address the ALB saw
        # What the client wrote before the ALB's entry is never believed.
        (1, "10.0.0.5", "203.0.113.9, 198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.5", None, "10.0.0.5"),  # not through the ALB
        (1, "10.0.0.5", "not-an-address", "10.0.0.5"),
        (1, "10.0.0.5", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxy_saw(hops, peer, forwarded, client):
    with override_settings(TRUSTED_PROXY_HOPS=hops):
        assert client_address(Request(peer, forwarded)) == client
