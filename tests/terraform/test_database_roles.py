"""terraform-bootstrap/database/roles.py, the Job that makes the apps' PostgreSQL roles and
databases from the credentials Terraform keeps, run against the loopback PostgreSQL (Aurora
PostgreSQL's engine): each app logs in with its password; the owner of a database migrates it;
the other apps of that database read and write the owner's tables and create nothing; no app
reaches another's database; a second run with new passwords moves them, and breaks nothing."""

import base64
import hashlib
import hmac
import importlib.util
import json
import subprocess
import sys
import uuid

import psycopg
import pytest
from sqlalchemy import make_url

from tests.support.chart_values import REQUIRED
from tests.support.databases import postgres_admin_url
from tests.support.helm import render_chart
from tests.support.terraform import BOOTSTRAP, locals_, resources, unquoted

SCRIPT = BOOTSTRAP / "database" / "roles.py"
spec = importlib.util.spec_from_file_location("database_roles", SCRIPT)
roles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(roles)


def admin_url() -> str:
    return make_url(postgres_admin_url()).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def names():
    """Role and database names of this test only (roles are the whole server's); dropped after."""
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    found = {"gene_api": f"{prefix}gene_api", "worker": f"{prefix}worker", "web": f"{prefix}web"}
    found |= {"genes": f"{prefix}genes", "webdb": f"{prefix}web"}
    yield found
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        for database in (found["genes"], found["webdb"]):
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in (found["gene_api"], found["worker"], found["web"]):
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def apps(names: dict, password: str) -> list[dict]:
    return [
        {
            "username": names["gene_api"],
            "password": password + "a",
            "database": names["genes"],
            "owner": True,
        },
        {"username": names["worker"], "password": password + "w", "database": names["genes"]},
        {"username": names["web"], "password": password + "b", "database": names["webdb"], "owner": True},
    ]


def connect(app: dict, database: str | None = None) -> psycopg.Connection:
    url = make_url(admin_url()).set(
        username=app["username"], password=app["password"], database=database or app["database"]
    )
    return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)


def test_each_app_gets_its_role_its_database_and_no_more(names):
    gene_api, worker, web = apps(names, "first-password-")
    roles.ensure(admin_url(), [gene_api, worker, web])
    with connect(gene_api) as owner:  # the migrations' part
        owner.execute("CREATE TABLE jobs (id serial PRIMARY KEY, status text)")
    with connect(worker) as other:
        other.execute("INSERT INTO jobs (status) VALUES ('queued')")
        other.execute("UPDATE jobs SET status = 'succeeded'")
        assert other.execute("SELECT status FROM jobs").fetchall() == [("succeeded",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            other.execute("CREATE TABLE mine (id int)")
    with connect(web) as frontend:
        frontend.execute("CREATE TABLE sessions (id int)")
    for app, foreign in ((web, names["genes"]), (worker, names["webdb"]), (gene_api, names["webdb"])):
        with pytest.raises(psycopg.OperationalError):
            connect(app, foreign).close()


def password_is(role: str, password: str) -> bool:
    """Whether the role's stored SCRAM-SHA-256 verifier is that of `password` (the loopback
    server trusts every login, so a login cannot tell; the verifier can)."""
    with psycopg.connect(admin_url()) as admin:
        (verifier,) = admin.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)
        ).fetchone()
    method, iterations_salt, keys = verifier.split("$")
    iterations, salt = iterations_salt.split(":")
    stored_key = base64.b64decode(keys.split(":")[0])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == stored_key


def test_a_second_run_moves_the_passwords_and_keeps_the_data(names):
    first = apps(names, "first-password-")
    roles.ensure(admin_url(), first)
    assert all(password_is(app["username"], app["password"]) for app in first)
    with connect(first[0]) as owner:
        owner.execute("CREATE TABLE kept (id int)")
        owner.execute("INSERT INTO kept VALUES (21)")
    rotated = apps(names, "second-password-")
    roles.ensure(admin_url(), rotated)
    assert all(password_is(app["username"], app["password"]) for app in rotated)
    assert not password_is(first[0]["username"], first[0]["password"])
    with connect(rotated[1]) as worker:
        assert worker.execute("SELECT id FROM kept").fetchall() == [(21,)]


def test_a_database_without_an_owner_is_refused_by_the_command(names):
    orphan = [{"username": names["worker"], "password": "p", "database": names["genes"]}]
    env = {"ADMIN_URL": admin_url(), "APPS": json.dumps(orphan), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip() == f"database roles: no owner named for database(s) {names['genes']}"


def test_the_owners_are_the_apps_whose_charts_migrate_and_the_job_runs_this_script():
    migrating = {
        chart
        for chart in ("gene-api", "web", "worker")
        if any(o["kind"] == "Job" for o in render_chart(chart=chart, release=chart, values=REQUIRED[chart]))
    }
    assert {unquoted(owner) for owner in locals_()["database_owners"]} == migrating == {"gene-api", "web"}
    names = {unquoted(k): unquoted(v) for k, v in locals_()["database_names"].items()}
    assert len({names[owner] for owner in migrating}) == len(migrating), "one owner per database"
    config_map = resources("kubernetes_config_map_v1")["database_roles"]
    assert config_map["data"] == {'"roles.py"': '${file("${path.module}/database/roles.py")}'}
    job = resources("kubernetes_job_v1")["database_roles"]
    (container,) = job["spec"][0]["template"][0]["spec"][0]["container"]
    assert [unquoted(c) for c in container["command"]] == ["python", "/scripts/roles.py"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"username": "postgres"}, "'postgres' is not an app's role"),
        ({"username": "rdsadmin"}, "'rdsadmin' is not an app's role"),
        ({"username": "pg_monitor"}, "'pg_monitor' is not an app's role"),
        ({"database": "postgres"}, "'postgres' is not an app's database"),
        ({"database": "template1"}, "'template1' is not an app's database"),
    ],
)
def test_what_is_not_an_apps_is_refused_and_left_as_it_was(names, change, reason):
    gene_api = {**apps(names, "p-")[0], **change}
    with psycopg.connect(admin_url()) as admin:
        before = admin.execute("SELECT datname, datdba, datacl FROM pg_database ORDER BY datname").fetchall()
    with pytest.raises(ValueError, match=reason):
        roles.ensure(admin_url(), [gene_api])
    with psycopg.connect(admin_url()) as admin:
        assert (
            admin.execute("SELECT datname, datdba, datacl FROM pg_database ORDER BY datname").fetchall()
            == before
        )
        assert not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (names["gene_api"],)).fetchone()


def test_the_master_user_it_runs_as_is_never_an_apps(names):
    admin_user = make_url(admin_url()).username
    with pytest.raises(ValueError, match=f"'{admin_user}' is not an app's role"):
        roles.ensure(admin_url(), [{**apps(names, "p-")[0], "username": admin_user}])


def test_a_missing_setting_is_one_line():
    run = subprocess.run(
        [sys.executable, str(SCRIPT)], env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert run.stderr.strip() == "database roles: 'ADMIN_URL' is not set"
