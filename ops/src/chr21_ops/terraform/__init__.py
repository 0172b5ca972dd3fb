"""`terraform-bootstrap`: the commands that act on the Terraform bootstrap (terraform-bootstrap/):
the S3 bucket its state lives in, and the interfaces of the public modules it calls."""
