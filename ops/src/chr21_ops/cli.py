"""What the three command groups (gitops, terraform-bootstrap, images) share: progress on
stderr, and every error a user can cause as one line on stderr with exit status 1."""

import argparse
import sys

from .checkout import REPO, is_checkout


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    parser: argparse.ArgumentParser, argv: list[str] | None, errors: tuple[type[BaseException], ...]
) -> int:
    """Parse `argv`, run the chosen command (its `run` default), and turn `errors` into one line."""
    args = parser.parse_args(argv)
    command = f"{parser.prog} {args.run.__name__.removeprefix('cmd_').replace('_', '-')}"
    if not is_checkout(REPO):
        print(
            f"{command}: error: run it inside a checkout of the repository ({REPO} is not one)",
            file=sys.stderr,
        )
        return 1
    try:
        return args.run(args)
    except errors as error:
        message = " ".join(str(error).split())  # one line, whatever the message held
        print(f"{command}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{command}: interrupted", file=sys.stderr)
        return 130
