"""`gitops`: the commands that act on what Argo CD deploys: render, diff, rehearse, promote,
release, rollback, crd-schemas and pull-charts."""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .. import cli
from ..checkout import REPO
from ..outdir import OutdirError, check_outdir, write_whole
from . import checkov, controlplane, crdschemas, pullcharts, rehearse
from .appset import ExpansionError
from .diff import diff_refs
from .gotemplate import TemplateError
from .promote import PromotionError, promote, release, rollback, undo_promotion
from .render import RenderError, render_environment
from .repo import RepoError, check_environment, environment_settings, load_manifests

# Every error a user can cause: each becomes one line on stderr and exit status 1.
ERRORS = (
    PromotionError,
    RepoError,
    RenderError,
    OutdirError,
    ExpansionError,
    TemplateError,
    controlplane.ControlPlaneError,
    OSError,
)


class CommittedDiffError(RuntimeError):
    """The promotion or revert is committed; only showing its diff failed."""


def cmd_render(args: argparse.Namespace) -> int:
    started = time.monotonic()
    names = render_environment(args.env, args.outdir, args.ref, progress=cli.progress)
    objects = sum(len(load_manifests(p.read_text())) for p in args.outdir.glob("*/manifests.yaml"))
    seconds = time.monotonic() - started
    where = f"{args.outdir} in {seconds:.1f} s"
    print(f"render: {len(names)} Applications ({objects} objects) of {args.env} written to {where}")
    if args.checkov:
        cli.progress("render: checkov over every Application (CRDs left out)")
        print(
            f"checkov, per Application (accepted upstream findings: argocd/checkov-upstream.yaml):\n"
            f"{checkov.summary(checkov.scan(args.outdir))}"
        )
    return 0


def cmd_crd_schemas(args: argparse.Namespace) -> int:
    check_outdir(args.outdir)  # refused before the render, not after
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / args.env
        render_environment(args.env, out, progress=cli.progress)
        crds = [
            obj
            for manifests in sorted(out.glob("*/manifests.yaml"))
            for obj in load_manifests(manifests.read_text())
            if obj.get("kind") == "CustomResourceDefinition"
        ]
    written = []
    write_whole(args.outdir, lambda staging: written.append(crdschemas.write(crds, staging)), "crd-schemas")
    print(f"crd-schemas: {written[0]} schemas of {len(crds)} CRDs of {args.env} written to {args.outdir}")
    return 0


def cmd_pull_charts(args: argparse.Namespace) -> int:
    pulled = pullcharts.pull_all(args.outdir, progress=cli.progress)
    print(f"pull-charts: {len(pulled)} charts in {args.outdir}; render with HELM_CHARTS_DIR={args.outdir}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    text, _ = diff_refs(args.base, args.head, args.env, progress=cli.progress)
    print(text, end="")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    commit = promote(args.what, args.source, args.target)
    # A promotion whose rendered diff fails is taken back (whatever failed: a chart that needs a
    # value the target's files do not give yet, an archive missing here, an interruption): it
    # would only stop the target's syncs, and a failed command changes nothing.
    try:
        text, changed = diff_refs(f"{commit}~1", commit, args.target, progress=cli.progress)
    except (*ERRORS, KeyboardInterrupt) as error:
        undo_promotion(commit)
        if isinstance(error, KeyboardInterrupt):
            raise
        raise PromotionError(
            f"{args.target}'s rendered diff of this promotion failed ({error}); "
            "the promotion is taken back, nothing was changed"
        ) from None
    print(f"promote: committed {commit[:12]}; roll back with: gitops rollback {args.what} {args.target}\n")
    print(text, end="")
    print(f"\nNext: push this commit; {_next_sync(args.target, changed)}.")
    return 0


def _show_diff(commit: str, env: str, failed: str, command: str) -> list[str]:
    """Print the rendered diff of a promotion or rollback commit in its environment; returns
    the Applications it changes."""
    try:
        text, changed = diff_refs(f"{commit}~1", commit, env, progress=cli.progress)
    except ERRORS as error:
        raise CommittedDiffError(
            f"{failed}: {error}. The commit is made: do not run {command} again; push it, and see "
            f"the diff with: gitops diff {commit[:12]}~1 {commit[:12]} {env}"
        ) from None
    print(text, end="")
    return changed


def _next_sync(env: str, changed: list[str]) -> str:
    """What syncs the change, by the environment's sync policy (env.yaml)."""
    if environment_settings(env, REPO).get("syncPolicy") == "automated":
        return f"{env} syncs it by itself"
    if not changed:
        return "no Application's objects change: nothing to sync"
    return f"sync {', '.join(changed)} from the Argo CD UI or CLI"


def cmd_release(args: argparse.Namespace) -> int:
    commit = release(args.app, args.env, args.digest, args.built_from)
    print(f"release: committed {commit[:12]}; roll back with: gitops rollback {args.app} {args.env}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    reverted, commit = rollback(args.what, args.env)
    print(f"rollback: reverted {reverted[:12]} with {commit[:12]}\n", flush=True)
    changed = _show_diff(
        commit,
        args.env,
        f"committed {commit[:12]} (reverts {reverted[:12]}), but its rendered diff failed; "
        "the rollback is done (another would revert the promotion before)",
        "rollback",
    )
    print(f"\nNext: push this commit; {_next_sync(args.env, changed)}.")
    return 0


def cmd_rehearse(args: argparse.Namespace) -> int:
    """Render ENV (and REF's render first, with --from) and sync it into a fresh control plane."""
    started = time.monotonic()
    check_environment(args.env, REPO)  # refused before any work, and never echoed whole
    with tempfile.TemporaryDirectory() as scratch:

        def rendered(ref: str | None, label: str) -> list:
            cli.progress(f"rehearse: rendering {args.env} at {ref or 'the working tree'}")
            render_environment(args.env, Path(scratch, label), ref, progress=lambda _: None)
            return rehearse.load_rendered(Path(scratch, label))

        base = rendered(args.base, "base") if args.base else None
        head = rendered(None, "head")
        cli.progress("rehearse: starting a control plane (etcd, kube-apiserver, kube-controller-manager)")
        with controlplane.running() as plane:
            cli.progress(f"rehearse: Kubernetes {plane.version()} at {plane.server}")
            result = rehearse.rehearse(rehearse.Api(plane.api), head, base, progress=cli.progress)
    text, refused = rehearse.report(result, head)
    what = f"{args.env} (from {args.base})" if args.base else args.env
    print(f"## Rehearsal of {what} on a real API server\n\n{text}", end="")
    seconds = time.monotonic() - started
    print(f"\nrehearse: {'refused' if refused else 'every object applied'} in {seconds:.0f} s")
    return 1 if refused else 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="gitops")
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    render = commands.add_parser("render", help="write what Argo CD would apply for ENV into OUTDIR")
    render.add_argument("env")
    render.add_argument("outdir", type=Path)
    render.add_argument("--ref", help="git ref to render (default: the working tree)")
    render.add_argument(
        "--checkov", action="store_true", help="also run checkov and print a summary per Application"
    )
    render.set_defaults(run=cmd_render)
    schemas = commands.add_parser("crd-schemas", help="derive JSON Schemas from the CRDs ENV installs")
    schemas.add_argument("env")
    schemas.add_argument("outdir", type=Path, nargs="?", default=crdschemas.CACHE)
    schemas.set_defaults(run=cmd_crd_schemas)
    pull = commands.add_parser("pull-charts", help="helm pull the pinned upstream charts into OUTDIR")
    pull.add_argument("outdir", type=Path)
    pull.set_defaults(run=cmd_pull_charts)
    diff = commands.add_parser("diff", help="rendered-manifest diff between two git refs")
    diff.add_argument("base")
    diff.add_argument("head")
    diff.add_argument("env", nargs="?", help="one environment (default: all)")
    diff.set_defaults(run=cmd_diff)
    rehearsal = commands.add_parser(
        "rehearse", help="sync what ENV renders into a fresh Kubernetes control plane, as Argo CD would"
    )
    rehearsal.add_argument("env")
    rehearsal.add_argument("--from", dest="base", metavar="REF", help="sync REF's render first (an upgrade)")
    rehearsal.set_defaults(run=cmd_rehearse)
    prom = commands.add_parser(
        "promote", help="commit what one environment runs (app image, add-on version, charts) into another"
    )
    prom.add_argument("what", metavar="APP|ADDON|charts")
    prom.add_argument("--from", dest="source", required=True)
    prom.add_argument("--to", dest="target", required=True)
    prom.set_defaults(run=cmd_promote)
    rel = commands.add_parser("release", help="commit a newly built image of APP (its digest) into ENV")
    rel.add_argument("app")
    rel.add_argument("env")
    rel.add_argument("--digest", required=True, help="the pushed image's digest (sha256:...)")
    rel.add_argument("--built-from", required=True, help="the full id of the commit it was built from")
    rel.set_defaults(run=cmd_release)
    back = commands.add_parser("rollback", help="git revert the live promotion of APP|ADDON|charts in ENV")
    back.add_argument("what", metavar="APP|ADDON|charts")
    back.add_argument("env")
    back.set_defaults(run=cmd_rollback)
    return root


def main(argv: list[str] | None = None) -> int:
    return cli.run(parser(), argv, (*ERRORS, CommittedDiffError))


if __name__ == "__main__":
    sys.exit(main())
