"""The platform engineers' command-line tools, grouped by what they act on:

- `gitops` (chr21_ops.gitops): what Argo CD deploys: render, diff, rehearse, promote, release,
  rollback, crd-schemas, pull-charts;
- `terraform-bootstrap` (chr21_ops.terraform): the Terraform state's bucket and the pinned
  modules' interfaces;
- `images` (chr21_ops.images): the image build matrix.

They act on the checkout they are run in (chr21_ops.checkout)."""
