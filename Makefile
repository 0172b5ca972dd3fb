# The two commands of README.md. Both install what is missing first (`setup`).
.DEFAULT_GOAL := help
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never

.PHONY: help setup run test token

help:
	@echo "make run    run the platform on embedded defaults (API_PORT=8001, WEB_PORT=8000)"
	@echo "make test   run every check of the repository and print a summary"
	@echo "make token NAME=alice   print a bearer token of the local jobs API for user alice"

# Tools into .tools/ (helm 3, helm 4, checkov, uv), then the workspace into .venv/ from uv.lock.
setup:
	@scripts/bootstrap-tools
	@.tools/bin/uv sync --locked --quiet

run: setup
	@scripts/run

# The servers the tests talk to (PostgreSQL, Redis, RabbitMQ on loopback): started, installed
# from Debian's packages when root, or named with the command that installs them.
test: setup
	@scripts/services
	@.venv/bin/python scripts/check.py

# The token alone on stdout (TOKEN=$$(make token NAME=alice)): set-up talks on stderr.
token:
	@scripts/bootstrap-tools >&2
	@.tools/bin/uv sync --locked --quiet >&2
	@scripts/token "$(NAME)"
