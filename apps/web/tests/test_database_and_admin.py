"""The frontend's own tables, on the database the settings name (SQLite, or PostgreSQL when
tests/test_on_postgresql.py runs this suite again), and the admin that staff use on them."""

import os

import pytest
from django.contrib.auth.models import User
from django.db import connection


@pytest.mark.django_db
def test_the_tables_are_on_the_database_the_settings_name():
    expected = (
        "postgresql" if os.environ.get("WEB_TEST_DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected
    assert {"auth_user", "django_session"} <= set(connection.introspection.table_names())


@pytest.mark.django_db
def test_staff_see_the_users_in_the_admin(client):
    User.objects.create_user("alice", password="a-long-enough-password")
    client.force_login(User.objects.create_superuser("root", password="a-long-enough-password"))
    page = client.get("/admin/auth/user/")
    assert page.status_code == 200
    assert "alice" in page.content.decode()


@pytest.mark.django_db
def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client):
    client.force_login(User.objects.create_user("bob", password="a-long-enough-password"))
    page = client.get("/admin/auth/user/")
    assert page.status_code == 302
    assert page["Location"].startswith("/admin/login/")
