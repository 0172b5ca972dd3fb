# The apps' names in the environment's zone: an alias record for each Ingress host, pointing at
# the ALB the load balancer controller makes for that Ingress's group. The hosts and groups are
# read from the environment's app values (environments/<environment>/apps/*.yaml: ingress.host,
# ingress.groupName), Argo CD's (addons/argo-cd.yaml: global.domain, server.ingress) and
# Grafana's (addons/kube-prometheus-stack.yaml: grafana.ingress), the files Argo CD gives the
# charts, so a new host is one line in git.
#
# An internal ALB (prod's Argo CD UI, Grafana) gets its record in the same public zone: its name
# resolves to private addresses, reachable from inside the VPC only.
#
# The ALB exists only after Argo CD's first sync, so the first apply finds none and makes no
# record (the check below says so); the next apply makes them (README, Order). The controller
# tags its ALB with the cluster and the group; a replaced ALB is found again by the same tags.
locals {
  app_values = {
    for file in fileset("${path.module}/../environments/${var.environment}/apps", "*.yaml") :
    trimsuffix(file, ".yaml") => yamldecode(file("${path.module}/../environments/${var.environment}/apps/${file}"))
  }
  # Argo CD's UI (environments/<environment>/addons/argo-cd.yaml): its host is global.domain.
  argo_cd_values  = yamldecode(file("${path.module}/../environments/${var.environment}/addons/argo-cd.yaml"))
  argo_cd_ingress = try(local.argo_cd_values.server.ingress, {})
  # Grafana's UI (environments/<environment>/addons/kube-prometheus-stack.yaml): grafana.ingress.
  grafana_ingress = try(yamldecode(file("${path.module}/../environments/${var.environment}/addons/kube-prometheus-stack.yaml")).grafana.ingress, {})
  # host => ingress group, for every app whose Ingress is enabled, Argo CD's and Grafana's.
  ingress_hosts = merge(
    {
      for app, settings in local.app_values : settings.ingress.host => settings.ingress.groupName
      if try(settings.ingress.enabled, false)
    },
    try(local.argo_cd_ingress.enabled, false) ? {
      (local.argo_cd_values.global.domain) = local.argo_cd_ingress.annotations["alb.ingress.kubernetes.io/group.name"]
    } : {},
    {
      for host in try(local.grafana_ingress.hosts, []) : host => local.grafana_ingress.annotations["alb.ingress.kubernetes.io/group.name"]
      if try(local.grafana_ingress.enabled, false)
    },
  )
  ingress_groups = toset(values(local.ingress_hosts))
  hosts_outside_domain = [
    for host in keys(local.ingress_hosts) : host
    if !can(regex("^[a-z0-9-]+\\.${replace(local.domain, ".", "\\.")}$", host))
  ]
}

data "aws_lbs" "ingress" {
  for_each = local.ingress_groups

  tags = {
    "elbv2.k8s.aws/cluster" = local.name
    "ingress.k8s.aws/stack" = each.key
  }

  lifecycle {
    # The certificate covers the domain and one label under it (*.<domain>); a host elsewhere
    # would get a record in a zone that does not serve it and a certificate that does not match.
    precondition {
      condition     = length(local.hosts_outside_domain) == 0
      error_message = "Ingress host(s) ${join(", ", local.hosts_outside_domain)} in environments/${var.environment}/apps or addons (argo-cd, kube-prometheus-stack) are not one label under ${local.domain}."
    }
  }
}

data "aws_lb" "ingress" {
  for_each = { for group, found in data.aws_lbs.ingress : group => one(found.arns) if length(found.arns) == 1 }

  arn = each.value
}

resource "aws_route53_record" "app" {
  for_each = { for host, group in local.ingress_hosts : host => group if contains(keys(data.aws_lb.ingress), group) }

  zone_id = data.aws_route53_zone.environment.zone_id
  name    = each.key
  type    = "A"

  alias {
    name                   = data.aws_lb.ingress[each.value].dns_name
    zone_id                = data.aws_lb.ingress[each.value].zone_id
    evaluate_target_health = true
  }
}

check "app_records" {
  assert {
    condition     = length(data.aws_lb.ingress) == length(local.ingress_groups)
    error_message = "No single ALB yet for ingress group(s) ${join(", ", setsubtract(local.ingress_groups, keys(data.aws_lb.ingress)))}: the apps' DNS records are made by the apply after Argo CD's first sync (README, Order)."
  }
}
