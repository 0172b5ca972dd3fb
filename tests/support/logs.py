"""The platform's logs as the tests read them: JSON lines (chr21_common/logs.py, for the API, the
worker and the frontend alike), each with the request id it was written for."""

import json

FIELDS = {"time", "level", "logger", "message", "request_id"}


def json_lines(text: str, where: str = "the log") -> list[dict]:
    """Every line of `text` as the JSON object it must be, with the fields every line has."""
    lines = []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            entry = json.loads(line)
        except ValueError:
            raise AssertionError(f"{where}, line {number} is not JSON: {line!r}") from None
        assert isinstance(entry, dict), f"{where}, line {number} is not an object: {line!r}"
        assert set(entry) >= FIELDS, f"{where}, line {number} lacks {FIELDS - set(entry)}: {line!r}"
        lines.append(entry)
    return lines


def with_request_id(entries: list[dict], request_id: str) -> list[dict]:
    return [entry for entry in entries if entry["request_id"] == request_id]
