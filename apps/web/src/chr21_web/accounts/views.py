from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from chr21_web.accounts.forms import SignUpForm


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            # The account is new: log it in with the password backend (no throttling to consult).
            login(request, form.save(), backend="django.contrib.auth.backends.ModelBackend")
            return redirect("jobs")
        return render(request, "accounts/signup.html", {"form": form}, status=400)
    return render(request, "accounts/signup.html", {"form": form})


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes' answer to a log-in while its account or address is locked out."""
    context = {"failure_limit": settings.LOGIN_FAILURE_LIMIT, "minutes": settings.LOGIN_COOLOFF_MINUTES}
    return render(request, "registration/locked_out.html", context, status=429)
