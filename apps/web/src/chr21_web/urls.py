from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from chr21_web.accounts import views as accounts
from chr21_web.genes import views
from chr21_web.jobs import views as jobs

# The 500 page with the request id (chr21_web/middleware.py).
handler500 = "chr21_web.middleware.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("genes/", views.search, name="search"),
    path("genes/<str:gene_id>/", views.gene, name="gene"),
    path("region/", views.region, name="region"),
    re_path(r"^region/download\.(?P<fmt>tsv|bed)$", views.region_download, name="region-download"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/statuses", jobs.job_statuses, name="job-statuses"),
    path("jobs/new/", jobs.upload, name="upload"),
    path("jobs/<str:job_id>/", jobs.job_page, name="job"),
    path("jobs/<str:job_id>/status", jobs.job_status, name="job-status"),
    path("jobs/<str:job_id>/delete", jobs.job_delete, name="job-delete"),
    path("jobs/<str:job_id>/plot.svg", jobs.job_plot, name="job-plot"),
    re_path(
        r"^jobs/(?P<job_id>[^/]+)/result\.(?P<fmt>tsv|bed|json)$", jobs.job_download, name="job-download"
    ),
    path("admin/", admin.site.urls),
]
