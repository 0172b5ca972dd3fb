"""Argo CD's RBAC decision, with pycasbin, as Argo CD v3.4.4 makes it (the release the argo-cd
chart we install runs; tests/gitops/test_argocd_rbac.py fails on another one until this file is
checked against it). The facts, read in argoproj/argo-cd at tag v3.4.4:

- the Casbin model: assets/model.conf (MODEL below, verbatim);
- the built-in roles: assets/builtin-policy.csv (BUILTIN_POLICY, verbatim but its comments);
- the matcher `globOrRegexMatch`: util/rbac/rbac.go, gobwas/glob compiled without separators
  (`*` matches `/` too) unless `policy.matchMode` is `regex`;
- the order of the checks: util/rbac/rbac.go `enforce` and server/rbacpolicy/rbacpolicy.go
  `EnforceClaims`: the default role alone first (an allow there cannot be denied), then the
  user, then each of the user's groups (the `scopes` claims) that is the first field of some
  `g` line, each its own Casbin decision; any allow wins;
- AppProject roles: app_project_types.go `ProjectPoliciesString`, added for requests whose
  object names the project.

Python's fnmatch stands in for gobwas/glob: for `*`, `?` and `[...]` both match the whole string
with no separator; braces and backslashes differ, and `unsupported_glob` refuses them.
"""

import csv
import fnmatch
import io
from dataclasses import dataclass, field

import casbin
from casbin.persist.adapter import Adapter

ARGO_CD_VERSION = "v3.4.4"

MODEL = """
[request_definition]
r = sub, res, act, obj

[policy_definition]
p = sub, res, act, obj, eft

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = g(r.sub, p.sub) && globOrRegexMatch(r.res, p.res) && globOrRegexMatch(r.act, p.act) && globOrRegexMatch(r.obj, p.obj)
"""  # noqa: E501 -- verbatim

BUILTIN_POLICY = """
p, role:readonly, applications, get, */*, allow
p, role:readonly, applicationsets, get, */*, allow
p, role:readonly, certificates, get, *, allow
p, role:readonly, clusters, get, *, allow
p, role:readonly, repositories, get, *, allow
p, role:readonly, write-repositories, get, *, allow
p, role:readonly, projects, get, *, allow
p, role:readonly, accounts, get, *, allow
p, role:readonly, gpgkeys, get, *, allow
p, role:readonly, logs, get, */*, allow

p, role:admin, applications, create, */*, allow
p, role:admin, applications, update, */*, allow
p, role:admin, applications, update/*, */*, allow
p, role:admin, applications, delete, */*, allow
p, role:admin, applications, delete/*, */*, allow
p, role:admin, applications, sync, */*, allow
p, role:admin, applications, override, */*, allow
p, role:admin, applications, action/*, */*, allow
p, role:admin, applicationsets, get, */*, allow
p, role:admin, applicationsets, create, */*, allow
p, role:admin, applicationsets, update, */*, allow
p, role:admin, applicationsets, delete, */*, allow
p, role:admin, certificates, create, *, allow
p, role:admin, certificates, update, *, allow
p, role:admin, certificates, delete, *, allow
p, role:admin, clusters, create, *, allow
p, role:admin, clusters, update, *, allow
p, role:admin, clusters, delete, *, allow
p, role:admin, repositories, create, *, allow
p, role:admin, repositories, update, *, allow
p, role:admin, repositories, delete, *, allow
p, role:admin, write-repositories, create, *, allow
p, role:admin, write-repositories, update, *, allow
p, role:admin, write-repositories, delete, *, allow
p, role:admin, projects, create, *, allow
p, role:admin, projects, update, *, allow
p, role:admin, projects, delete, *, allow
p, role:admin, accounts, update, *, allow
p, role:admin, gpgkeys, create, *, allow
p, role:admin, gpgkeys, delete, *, allow
p, role:admin, exec, create, */*, allow

g, role:admin, role:readonly
g, admin, role:admin
"""

# Requests whose object is `<project>/<application>` bring that project's roles along
# (rbacpolicy.go getProjectFromRequest); `projects` requests name the project itself.
PROJECT_SCOPED = {"applications", "applicationsets", "repositories", "clusters", "logs", "exec"}


def unsupported_glob(pattern: str) -> bool:
    """Glob syntax where fnmatch and gobwas/glob part ways."""
    return any(c in pattern for c in "{}\\")


def _glob_match(value: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern)


def policy_lines(text: str) -> list[list[str]]:
    """A policy's rules as Argo CD's adapter reads them (encoding/csv, leading spaces trimmed,
    blank lines and # comments skipped); a malformed rule is an error, as in Argo CD."""
    rules = []
    for raw in (text or "").split("\n"):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tokens = next(csv.reader(io.StringIO(line), skipinitialspace=True))
        if tokens[0] not in ("p", "g") or len(tokens) != {"p": 6, "g": 3}[tokens[0]]:
            raise ValueError(f"invalid RBAC policy: {line}")
        rules.append(tokens)
    return rules


class _Policies(Adapter):
    def __init__(self, *texts: str):
        self.texts = texts

    def load_policy(self, model) -> None:
        for text in self.texts:
            for tokens in policy_lines(text):
                model.add_policy(tokens[0], tokens[0], tokens[1:])


@dataclass(frozen=True)
class ProjectRole:
    name: str
    policies: tuple[str, ...]
    groups: tuple[str, ...]


@dataclass
class ArgoCDRBAC:
    """argocd-rbac-cm (policy.csv, policy.default, scopes) and the AppProjects' roles."""

    policy_csv: str
    default_role: str = ""
    scopes: tuple[str, ...] = ("groups",)
    projects: dict[str, list[ProjectRole]] = field(default_factory=dict)

    def _enforcer(self, runtime: str = "") -> casbin.Enforcer:
        enforcer = casbin.Enforcer(
            casbin.Enforcer.new_model(text=MODEL), _Policies(BUILTIN_POLICY, self.policy_csv, runtime)
        )
        enforcer.add_function("globOrRegexMatch", _glob_match)
        return enforcer

    def _enforce(self, enforcer: casbin.Enforcer, subject: str, res: str, act: str, obj: str) -> bool:
        if self.default_role and enforcer.enforce(self.default_role, res, act, obj):
            return True
        return enforcer.enforce(subject, res, act, obj)

    def _project_policy(self, project: str) -> str:
        lines = []
        for role in self.projects.get(project, []):
            lines.append(f"p, proj:{project}:{role.name}, projects, get, {project}, allow")
            lines += role.policies
            lines += [f"g, {group}, proj:{project}:{role.name}" for group in role.groups]
        return "\n".join(lines)

    def can(self, user: str, groups: list[str], res: str, act: str, obj: str) -> bool:
        """Whether a signed-in user (its `sub`) in `groups` may do `act` on `res` `obj`."""
        if self.default_role and self._enforcer().enforce(self.default_role, res, act, obj):
            return True
        project = (
            obj.split("/")[0] if res in PROJECT_SCOPED and "/" in obj else obj if res == "projects" else ""
        )
        enforcer = self._enforcer(self._project_policy(project))
        if self._enforce(enforcer, user, res, act, obj):
            return True
        # Only groups some `g` line names first are ever checked (argoproj/argo-cd#7952).
        grouped = {rule[0] for rule in enforcer.get_grouping_policy()}
        return any(g in grouped and self._enforce(enforcer, g, res, act, obj) for g in groups)
