"""Command line of `images`: matrix."""

import argparse
import sys

from .. import cli
from ..gitops.promote import PromotionError
from ..gitops.repo import RepoError
from . import matrix

ERRORS = (PromotionError, RepoError, OSError)


def cmd_matrix(args: argparse.Namespace) -> int:
    print(matrix.matrix_json(args.env))
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="images")
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    build = commands.add_parser("matrix", help="the build matrix of ENV's images, as JSON")
    build.add_argument("env")
    build.set_defaults(run=cmd_matrix)
    return root


def main(argv: list[str] | None = None) -> int:
    return cli.run(parser(), argv, ERRORS)


if __name__ == "__main__":
    sys.exit(main())
