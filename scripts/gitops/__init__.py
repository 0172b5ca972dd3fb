"""Offline GitOps tooling: expand the ApplicationSets, render what Argo CD would apply,
diff two git refs, promote an image between environments, roll a promotion back.

Entry points: scripts/render, scripts/diff, scripts/promote, scripts/rollback, scripts/crd-schemas,
scripts/pull-charts, scripts/state-bucket (the Terraform state's bucket).
"""
