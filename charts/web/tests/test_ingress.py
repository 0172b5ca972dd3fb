"""templates/ingress.yaml against the gene-api chart (ingress_test.yaml has the rest)."""

from tests.support.chart_values import REQUIRED
from tests.support.helm import render_one

ON = {"ingress": {"enabled": True, "host": "chr21.example.org"}}


def test_shares_the_gene_apis_alb_by_default(render):
    # One ALB for both: the same group, and (the controller requires it of a group) the same scheme.
    api = render_one(
        "Ingress",
        values={**REQUIRED["gene-api"], "ingress": {"enabled": True, "host": "genes.example.org"}},
        show_only=["templates/ingress.yaml"],
    )["metadata"]["annotations"]
    web = render(ON)["Ingress"]["metadata"]["annotations"]
    for key in ("alb.ingress.kubernetes.io/group.name", "alb.ingress.kubernetes.io/scheme"):
        assert web[key] == api[key]
