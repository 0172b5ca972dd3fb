from django.contrib import admin
from django.urls import path, re_path

from chr21_web import health
from chr21_web.genes import views

urlpatterns = [
    path("", views.home, name="home"),
    path("genes/", views.search, name="search"),
    path("genes/<str:gene_id>/", views.gene, name="gene"),
    path("region/", views.region, name="region"),
    re_path(r"^region/download\.(?P<fmt>tsv|bed)$", views.region_download, name="region-download"),
    path("healthz", health.healthz),
    path("readyz", health.readyz),
    path("admin/", admin.site.urls),
]
