"""Who may do what in each environment's Argo CD, decided as Argo CD decides it: the rendered
argocd-rbac-cm and the AppProjects' roles, through Argo CD's own Casbin model, built-in roles and
order of checks (tests/support/argocd_rbac.py), as a table of (group, resource, action, object)
-> allowed, with what must be refused.

Groups are the identity provider's (the `groups` claim): chr21-platform-engineers (platform-admin),
chr21-on-call, chr21-developers; anyone else signed in gets the read-only default."""

import pytest
import yaml

from tests.support.argocd_rbac import ARGO_CD_VERSION, ArgoCDRBAC, ProjectRole, policy_lines, unsupported_glob
from tests.support.paths import REPO

ADMIN, ON_CALL, DEVELOPER, ANYONE = (
    "chr21-platform-engineers",
    "chr21-on-call",
    "chr21-developers",
    "someone-else",
)
ALLOW, DENY = True, False

# (group, resource, action, object) -> allowed, per environment. Objects: <project>/<Application>.
COMMON = [
    # platform-admin: everything.
    (ADMIN, "applications", "delete", "platform-apps/gene-api-{env}", ALLOW),
    (ADMIN, "projects", "update", "platform-apps", ALLOW),
    (ADMIN, "applications", "sync", "platform-addons/keda-{env}", ALLOW),
    # on-call: sync, refresh (a read), restart the apps; never delete, edit, override or exec.
    (ON_CALL, "applications", "sync", "platform-apps/gene-api-{env}", ALLOW),
    (ON_CALL, "applications", "sync", "platform-addons/keda-{env}", ALLOW),
    (ON_CALL, "applications", "sync", "default/chr21-platform", ALLOW),
    (ON_CALL, "applications", "get", "platform-apps/web-{env}", ALLOW),
    (ON_CALL, "logs", "get", "platform-apps/web-{env}", ALLOW),
    (ON_CALL, "applications", "action/apps/Deployment/restart", "platform-apps/web-{env}", ALLOW),
    (ON_CALL, "applications", "action/apps/Deployment/restart", "platform-addons/keda-{env}", DENY),
    (ON_CALL, "applications", "action/apps/Deployment/scale", "platform-apps/web-{env}", DENY),
    (ON_CALL, "applications", "delete", "platform-apps/gene-api-{env}", DENY),
    (ON_CALL, "applications", "delete//Pod/chr21/gene-api-0", "platform-apps/gene-api-{env}", DENY),
    (ON_CALL, "applications", "update", "platform-apps/gene-api-{env}", DENY),
    (ON_CALL, "applications", "override", "platform-apps/gene-api-{env}", DENY),
    (ON_CALL, "applications", "create", "platform-apps/new-app", DENY),
    (ON_CALL, "projects", "update", "platform-apps", DENY),
    (ON_CALL, "projects", "delete", "platform-addons", DENY),
    (ON_CALL, "exec", "create", "platform-apps/gene-api-{env}", DENY),
    (ON_CALL, "clusters", "update", "https://kubernetes.default.svc", DENY),
    (ON_CALL, "repositories", "create", "https://github.com/chr21-platform/chr21-platform.git", DENY),
    # developer: reads everything; never deletes or edits.
    (DEVELOPER, "applications", "get", "platform-apps/gene-api-{env}", ALLOW),
    (DEVELOPER, "logs", "get", "platform-apps/gene-api-{env}", ALLOW),
    (DEVELOPER, "applications", "delete", "platform-apps/gene-api-{env}", DENY),
    (DEVELOPER, "applications", "sync", "platform-addons/keda-{env}", DENY),
    (DEVELOPER, "applications", "sync", "default/chr21-platform", DENY),
    (DEVELOPER, "projects", "update", "platform-apps", DENY),
    # anyone else signed in: reads only.
    (ANYONE, "applications", "get", "platform-addons/keda-{env}", ALLOW),
    (ANYONE, "projects", "get", "platform-apps", ALLOW),
    (ANYONE, "applications", "sync", "platform-apps/gene-api-{env}", DENY),
    (ANYONE, "applications", "action/apps/Deployment/restart", "platform-apps/gene-api-{env}", DENY),
    (ANYONE, "accounts", "update", "admin", DENY),
]
TABLE = {
    "hml": [
        *COMMON,
        # developers sync and restart their apps in hml ...
        (DEVELOPER, "applications", "sync", "platform-apps/gene-api-hml", ALLOW),
        (DEVELOPER, "applications", "action/apps/Deployment/restart", "platform-apps/web-hml", ALLOW),
    ],
    "prod": [
        *COMMON,
        # ... and only read prod.
        (DEVELOPER, "applications", "sync", "platform-apps/gene-api-prod", DENY),
        (DEVELOPER, "applications", "action/apps/Deployment/restart", "platform-apps/web-prod", DENY),
    ],
}


def rbac_config(rendered) -> dict[str, str]:
    return rendered.one(f"argo-cd-{rendered.env}", "ConfigMap", "argocd-rbac-cm")["data"]


def project_roles() -> dict[str, list[ProjectRole]]:
    projects = yaml.safe_load_all((REPO / "argocd" / "platform" / "projects.yaml").read_text())
    return {
        p["metadata"]["name"]: [
            ProjectRole(r["name"], tuple(r.get("policies", [])), tuple(r.get("groups", [])))
            for r in p["spec"].get("roles", [])
        ]
        for p in projects
    }


@pytest.fixture
def rbac(rendered) -> ArgoCDRBAC:
    data = rbac_config(rendered)
    # policy.csv, then every policy.<name>.csv in name order (util/rbac/rbac.go PolicyCSV).
    extra = [
        data[k] for k in sorted(data) if k.startswith("policy.") and k.endswith(".csv") and k != "policy.csv"
    ]
    return ArgoCDRBAC(
        policy_csv="\n".join([data.get("policy.csv", ""), *extra]),
        default_role=data.get("policy.default", ""),
        scopes=tuple(yaml.safe_load(data.get("scopes", "[groups]"))),
        projects=project_roles(),
    )


def test_argo_cd_is_the_release_whose_rbac_the_model_reproduces(rendered):
    server = rendered.one(f"argo-cd-{rendered.env}", "Deployment", "argocd-server")
    assert server["metadata"]["labels"]["app.kubernetes.io/version"] == ARGO_CD_VERSION


def test_the_table_holds(rendered, rbac):
    wrong = []
    for group, resource, action, obj, allowed in TABLE[rendered.env]:
        obj = obj.format(env=rendered.env)
        if rbac.can(f"user-in-{group}", [group], resource, action, obj) is not allowed:
            wrong.append((group, resource, action, obj, "should be " + ("allowed" if allowed else "denied")))
    assert wrong == []


def test_groups_get_permissions_only_through_roles(rendered):
    """A `p` line naming a group is never checked for SSO users (argoproj/argo-cd#7952); glob syntax
    beyond `*`, `?` and `[...]` would be matched differently here than by Argo CD."""
    data = rbac_config(rendered)
    assert data.get("policy.matchMode", "glob") == "glob"
    rules = policy_lines(data["policy.csv"])
    assert {r[1] for r in rules if r[0] == "p"} <= {"role:on-call", "role:developer"}
    assert {r[1] for r in rules if r[0] == "g"} == {ADMIN, ON_CALL, DEVELOPER}
    assert not [r for r in rules if any(unsupported_glob(token) for token in r)]
    assert {r[5] for r in rules if r[0] == "p"} == {"allow"}  # a deny would not beat the default role anyway


def test_the_model_is_argo_cds_where_it_surprises():
    """The points of Argo CD's behaviour this table relies on, each able to fail."""
    rbac = ArgoCDRBAC(
        policy_csv="\n".join(
            [
                "p, role:x, applications, sync, a/*, allow",
                "p, role:x, applications, sync, a/prod-*, deny",
                "g, group-x, role:x",
                "p, group-without-g-line, applications, sync, */*, allow",
                "p, role:y, applications, get, */*, deny",
                "g, group-y, role:y",
            ]
        ),
        default_role="role:readonly",
    )
    assert rbac.can("u", ["group-x"], "applications", "sync", "a/b/c")  # `*` crosses `/`
    assert not rbac.can(
        "u", ["group-x"], "applications", "sync", "a/prod-web"
    )  # a deny wins within a subject
    assert not rbac.can("u", ["group-without-g-line"], "applications", "sync", "a/b")
    assert rbac.can("u", ["group-y"], "applications", "get", "a/b")  # the default role's allow stands
