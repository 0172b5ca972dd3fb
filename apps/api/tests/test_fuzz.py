"""Schema-driven fuzzing (schemathesis) of every operation of the committed OpenAPI document,
on both databases: no 5xx, and every response matches the documented status codes, media
types and schemas. (test_openapi.py pins the committed document to the served one.)

Bounded: a fixed number of generated cases per operation, so the run takes well under a minute.
"""

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from tests.support.jobs import bearer

EXAMPLES_PER_OPERATION = 40
# A region or position can match its schema and still not exist (reversed, past the end of
# chromosome 21): the API answers those with its documented 400, which is correct. A generated
# upload is rarely BED, VCF or a gene list (415), a job's results exist once it succeeded (409),
# and an account at its limit of jobs in flight gets 429 (a documented answer).
# ignored_auth is off: its probes (the request again without the token) go through the schema's
# own transport, which for a schema loaded from a file cannot reach an in-process app;
# test_jobs_auth.py sends those requests itself.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "409", "415", "429"]},
            "ignored_auth": {"enabled": False},
        }
    }
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
    # The jobs API's operations run as a signed-in user (a generated token would only get 401).
    case.call_and_validate(app=client.app, headers=bearer())
