"""`images`: the commands that act on the platform's container images (the build matrix the
image workflow builds from an environment's files)."""
