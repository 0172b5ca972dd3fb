"""Hardened defaults of the web's pod, and its service account."""


def test_pod_runs_as_the_image_user_without_privileges(render):
    objects = render()
    spec = objects["Deployment"]["spec"]["template"]["spec"]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert (spec["securityContext"]["runAsUser"], spec["securityContext"]["runAsGroup"]) == (10001, 10001)
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert spec["automountServiceAccountToken"] is False
    (container,) = spec["containers"]
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert {"name": "tmp", "emptyDir": {"sizeLimit": "64Mi"}} in spec["volumes"]


def test_the_service_account_carries_the_irsa_role(render):
    account = render({"serviceAccount": {"roleArn": "arn:aws:iam::123456789012:role/chr21-hml-web"}})[
        "ServiceAccount"
    ]
    assert account["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/chr21-hml-web"
    }
    assert account["automountServiceAccountToken"] is False
