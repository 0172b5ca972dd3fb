"""checkov on terraform-bootstrap finds no failed check; each check skipped is skipped in the
code, next to what it concerns, with its reason."""

import json
import re
import subprocess

from tests.support.paths import CHECKOV
from tests.support.terraform import BOOTSTRAP, tf_files

SKIPPED = {"CKV_TF_1", "CKV2_AWS_5", "CKV2_AWS_57"}


def test_checkov_finds_no_failed_check_and_only_the_stated_skips():
    command = [str(CHECKOV), "--directory", str(BOOTSTRAP), "--framework", "terraform"]
    command += ["--skip-download", "--compact", "--output", "json"]
    report = json.loads(subprocess.run(command, capture_output=True, text=True, check=False).stdout)
    failed = [
        f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in report["results"]["failed_checks"]
    ]
    assert not failed, "\n".join(failed)
    assert {c["check_id"] for c in report["results"]["skipped_checks"]} == SKIPPED
    assert report["summary"]["passed"] > 50


def test_every_skip_says_why():
    for path in tf_files():
        for check, reason in re.findall(r"checkov:skip=(\w+):(.*)", path.read_text()):
            assert check in SKIPPED, f"{path.name}: {check}"
            assert len(reason.strip()) > 30, f"{path.name}: {check} has no reason"
