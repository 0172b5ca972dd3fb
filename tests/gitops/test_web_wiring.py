"""The frontend wired to the gene API in what each environment renders: the URL it calls is
the API's Service, its pods get through both NetworkPolicies, it signs tokens with the key the
API checks them with, it takes the uploads the API takes, and both hosts share one ALB."""

from urllib.parse import urlsplit


def objects(rendered, app: str) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for obj in rendered.objects(f"{app}-{rendered.env}"):
        if "grafana_dashboard" in obj["metadata"].get("labels", {}):
            continue  # the dashboard's ConfigMap, not the app's settings
        found.setdefault(obj["kind"], []).append(obj)
    return found


def one(found: dict[str, list[dict]], kind: str) -> dict:
    (obj,) = found[kind]
    return obj


def test_the_api_url_is_the_gene_api_service_in_the_same_namespace(rendered):
    web, api = objects(rendered, "web"), objects(rendered, "gene-api")
    url = urlsplit(one(web, "ConfigMap")["data"]["API_URL"])
    service = one(api, "Service")
    host, _, namespace = (url.hostname or "").partition(".")
    assert host == service["metadata"]["name"]
    assert namespace in ("", f"{service['metadata']['namespace']}.svc", f"{service['metadata']['namespace']}")
    http = next(p for p in service["spec"]["ports"] if p["name"] == "http")
    assert (url.port or 80) == http["port"]
    applications = rendered.applications()
    destinations = {
        applications[f"{app}-{rendered.env}"]["spec"]["destination"]["namespace"]
        for app in ("web", "gene-api")
    }
    assert len(destinations) == 1


def test_web_pods_get_through_both_network_policies(rendered):
    web, api = objects(rendered, "web"), objects(rendered, "gene-api")
    web_labels = one(web, "Deployment")["spec"]["template"]["metadata"]["labels"]
    api_pod = one(api, "Deployment")["spec"]["template"]
    api_port = next(
        p["containerPort"] for c in api_pod["spec"]["containers"] for p in c["ports"] if p["name"] == "http"
    )
    out = [
        rule
        for rule in one(web, "NetworkPolicy")["spec"]["egress"]
        if rule["to"][0].keys() == {"podSelector"}
    ]
    assert any(
        rule["to"][0]["podSelector"]["matchLabels"].items() <= api_pod["metadata"]["labels"].items()
        and {"port": api_port, "protocol": "TCP"} in rule["ports"]
        for rule in out
    )
    sources = [
        s for rule in one(api, "NetworkPolicy")["spec"]["ingress"] for s in rule["from"] if "podSelector" in s
    ]
    assert any(s["podSelector"]["matchLabels"].items() <= web_labels.items() for s in sources)


def test_tokens_are_signed_with_the_key_the_api_checks(rendered):
    def signing_key(app: str) -> dict:
        secret = one(objects(rendered, app), "ExternalSecret")["spec"]
        return next(item["remoteRef"] for item in secret["data"] if item["secretKey"] == "tokenSigningKey")

    assert signing_key("web") == signing_key("gene-api")


def test_the_frontend_takes_the_uploads_the_api_takes(rendered):
    web, api = objects(rendered, "web"), objects(rendered, "gene-api")
    assert (
        one(web, "ConfigMap")["data"]["MAX_UPLOAD_BYTES"] == one(api, "ConfigMap")["data"]["MAX_UPLOAD_BYTES"]
    )


def test_both_hosts_share_one_alb(rendered):
    def alb(app: str) -> dict:
        annotations = one(objects(rendered, app), "Ingress")["metadata"]["annotations"]
        keys = ("group.name", "scheme", "certificate-arn", "wafv2-acl-arn")
        return {key: annotations.get(f"alb.ingress.kubernetes.io/{key}") for key in keys}

    assert alb("web") == alb("gene-api")
    assert alb("web")["group.name"]


def test_django_answers_the_host_the_ingress_routes(rendered):
    web = objects(rendered, "web")
    (rule,) = one(web, "Ingress")["spec"]["rules"]
    data = one(web, "ConfigMap")["data"]
    assert rule["host"] in data["DJANGO_ALLOWED_HOSTS"].split(",")
    assert f"https://{rule['host']}" in data["DJANGO_CSRF_TRUSTED_ORIGINS"].split(",")
