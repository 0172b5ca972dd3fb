"""templates/migration-job.yaml: `chr21-web migrate` as an Argo CD PreSync hook, with the
settings of the pods (the ConfigMap does not exist yet when it runs)."""


def test_presync_hook_after_the_external_secret(render):
    objects = render()
    job, secret = (
        objects["Job"]["metadata"]["annotations"],
        objects["ExternalSecret"]["metadata"]["annotations"],
    )
    assert job["argocd.argoproj.io/hook"] == "PreSync"
    assert job["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    assert int(secret["argocd.argoproj.io/sync-wave"]) < int(job["argocd.argoproj.io/sync-wave"])


def test_migrates_with_the_pods_settings_and_secrets(render):
    objects = render({"app": {"apiTimeoutSeconds": 4}})
    (migrate,) = objects["Job"]["spec"]["template"]["spec"]["containers"]
    (web,) = objects["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["chr21-web", "migrate", "--noinput"]
    assert migrate["image"] == web["image"]
    values = {e["name"]: e["value"] for e in migrate["env"] if "value" in e}
    assert values == objects["ConfigMap"]["data"]
    assert [e for e in migrate["env"] if "valueFrom" in e] == [e for e in web["env"] if "valueFrom" in e]
    # Not the uploads folder: the Job has no such volume, and Django's checks refuse a missing one.
    assert "FILE_UPLOAD_TEMP_DIR" not in values


def test_can_be_turned_off(render):
    assert "Job" not in render({"migration": {"enabled": False}})
