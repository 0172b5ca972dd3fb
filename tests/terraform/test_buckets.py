"""The pipeline's buckets: uploads expire after 365 days and results after 1825 (five years);
both encrypted with KMS, closed to the public, versioned, TLS only."""

from tests.support.terraform import blocks, locals_, resources, unquoted

BUCKETS = blocks("module")["buckets"]


def test_uploads_expire_after_a_year_and_results_after_five():
    assert locals_()["bucket_retention_days"] == {"uploads": 365, "results": 1825}
    assert unquoted(BUCKETS["for_each"]) == "${local.bucket_retention_days}"
    (rule,) = BUCKETS["lifecycle_rule"]
    assert rule["expiration"] == {"days": "${each.value}"}
    assert rule["enabled"] is True
    assert rule["abort_incomplete_multipart_upload_days"] == 7


def test_encrypted_with_the_platforms_rotating_kms_key():
    rule = BUCKETS["server_side_encryption_configuration"]["rule"]
    default = rule["apply_server_side_encryption_by_default"]
    assert unquoted(default["sse_algorithm"]) == "aws:kms"
    assert default["kms_master_key_id"] == "${aws_kms_key.data.arn}"
    assert resources("aws_kms_key")["data"]["enable_key_rotation"] is True


def test_closed_to_the_public_versioned_and_tls_only():
    for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        assert BUCKETS[flag] is True, flag
    assert BUCKETS["versioning"] == {"enabled": True}
    assert BUCKETS["attach_deny_insecure_transport_policy"] is True
    assert BUCKETS["force_destroy"] is False
