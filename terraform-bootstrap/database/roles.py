"""The apps' PostgreSQL roles and databases on Aurora, as the credentials Terraform keeps in
Secrets Manager say (aurora.tf): run once per apply by a Kubernetes Job (database.tf), inside
the VPC, as Aurora's master user. Idempotent: a role or database that exists is brought to
what it should be (its password, its owner, its grants), never dropped.

Environment:
  ADMIN_URL  postgresql://<master>:<password>@<endpoint>:5432/<a database that exists>
  APPS       JSON: [{"username": "gene_api", "password": "...", "database": "genes", "owner": true}, ...]
             the owner of a database runs its migrations; every other app of it may read
             and write the owner's tables and sequences, and create nothing.
"""

import json
import os
import sys
from collections import defaultdict

import psycopg
from psycopg import sql

# Roles and databases this never touches, whatever it is given: PostgreSQL's and Aurora's own,
# and the master user it runs as (its password is Secrets Manager's to keep).
RESERVED_DATABASES = frozenset({"postgres", "template0", "template1", "rdsadmin"})
RESERVED_ROLE_PREFIXES = ("pg_", "rds")


def refused(apps: list[dict], admin_user: str) -> list[str]:
    """Why `apps` names something that is not an app's to have; empty when it does not."""
    reasons = []
    for app in apps:
        user, database = app["username"], app["database"]
        if user == admin_user or user == "postgres" or user.startswith(RESERVED_ROLE_PREFIXES):
            reasons.append(f"{user!r} is not an app's role")
        if database in RESERVED_DATABASES:
            reasons.append(f"{database!r} is not an app's database")
    return reasons


def ensure(admin_url: str, apps: list[dict]) -> None:
    owners = {app["database"]: app["username"] for app in apps if app.get("owner")}
    users = defaultdict(list)
    for app in apps:
        users[app["database"]].append(app["username"])
    missing = sorted(set(users) - set(owners))
    if missing:
        raise ValueError(f"no owner named for database(s) {', '.join(missing)}")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        reasons = refused(apps, admin.info.user)
        if reasons:
            raise ValueError("; ".join(reasons))
        for app in apps:
            role, password = sql.Identifier(app["username"]), sql.Literal(app["password"])
            exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (app["username"],)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            admin.execute(sql.SQL(verb + " ROLE {} WITH LOGIN PASSWORD {}").format(role, password))
            # The master user acts for the role (owning a database, default privileges).
            admin.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))
        for database, owner in owners.items():
            name, owner_role = sql.Identifier(database), sql.Identifier(owner)
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone()
            if exists:
                admin.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(name, owner_role))
            else:
                admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(name, owner_role))
            admin.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(name))
            for user in users[database]:
                admin.execute(
                    sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(name, sql.Identifier(user))
                )
    for database, owner in owners.items():
        others = [user for user in users[database] if user != owner]
        with psycopg.connect(admin_url, dbname=database, autocommit=True) as admin:
            owner_role = sql.Identifier(owner)
            admin.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner_role))
            for user in others:
                role = sql.Identifier(user)
                admin.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
                for kind, rights in (
                    ("TABLES", "SELECT, INSERT, UPDATE, DELETE"),
                    ("SEQUENCES", "USAGE, SELECT"),
                ):
                    admin.execute(
                        sql.SQL("GRANT " + rights + " ON ALL " + kind + " IN SCHEMA public TO {}").format(
                            role
                        )
                    )
                    admin.execute(
                        sql.SQL(
                            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT "
                            + rights
                            + " ON "
                            + kind
                            + " TO {}"
                        ).format(owner_role, role)
                    )


def main() -> int:
    try:
        ensure(os.environ["ADMIN_URL"], json.loads(os.environ["APPS"]))
    except KeyError as missing:
        print(f"database roles: {missing} is not set", file=sys.stderr)
        return 1
    except (ValueError, psycopg.Error) as error:
        print(f"database roles: {error}", file=sys.stderr)
        return 1
    print("database roles: every app's role, database and grants are in place")
    return 0


if __name__ == "__main__":
    sys.exit(main())
