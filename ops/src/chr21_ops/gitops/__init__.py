"""`gitops`: what Argo CD deploys, offline: expand the ApplicationSets, render what Argo CD
would apply, diff two git refs, rehearse a sync on a real API server, promote an image, an
add-on version or the charts between environments, release a new image, roll a change back."""
