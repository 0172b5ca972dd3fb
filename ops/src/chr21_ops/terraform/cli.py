"""Command line of `terraform-bootstrap`: state-bucket and module-interfaces."""

import argparse
import sys
from pathlib import Path

from .. import cli
from ..outdir import OutdirError
from . import moduleinterfaces, statebucket

ERRORS = (moduleinterfaces.ModuleInterfaceError, statebucket.StateBucketError, OutdirError, OSError)


def cmd_state_bucket(args: argparse.Namespace) -> int:
    print(statebucket.ensure(args.env, cli.progress))
    return 0


def cmd_module_interfaces(args: argparse.Namespace) -> int:
    written = moduleinterfaces.write_all(args.outdir, args.bootstrap, progress=cli.progress)
    print(
        f"module-interfaces: {len(written)} modules in {args.outdir}; "
        f"test with TERRAFORM_MODULES_DIR={args.outdir}"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="terraform-bootstrap")
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    state = commands.add_parser(
        "state-bucket", help="make (or check) the S3 bucket ENV's Terraform state lives in, once per account"
    )
    state.add_argument("env")
    state.set_defaults(run=cmd_state_bucket)
    interfaces = commands.add_parser(
        "module-interfaces",
        help="write the interfaces of the Terraform modules `terraform init` downloaded into OUTDIR",
    )
    interfaces.add_argument("outdir", type=Path)
    interfaces.add_argument(
        "--bootstrap",
        type=Path,
        default=moduleinterfaces.BOOTSTRAP,
        help="the Terraform root module that was initialised (default: terraform-bootstrap)",
    )
    interfaces.set_defaults(run=cmd_module_interfaces)
    return root


def main(argv: list[str] | None = None) -> int:
    return cli.run(parser(), argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
