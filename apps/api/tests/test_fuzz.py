"""Schema-driven fuzzing (schemathesis) of every operation of the committed OpenAPI document,
on both databases: no 5xx, and every response matches the documented status codes, media
types and schemas. (test_openapi.py pins the committed document to the served one.)

Bounded: a fixed number of generated cases per operation, so the run takes well under a minute.
"""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

EXAMPLES_PER_OPERATION = 40
# A region or position can match its schema and still not exist (reversed, past the end of
# chromosome 21): the API answers those with its documented 400, which is correct.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404"]}}}
)
schema = schemathesis.openapi.from_path(
    Path(__file__).resolve().parent.parent / "openapi.json", config=CONFIG
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_and_responses_match_the_schema(case, client):
    # Requests go to the app under test in process, through schemathesis's ASGI transport.
    schema.app = client.app
    case.call_and_validate(app=client.app)
