from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from synergy.core.context import current_ip
from synergy.core.http import client_address
from synergy.core.roles import two_factor_required


class RequestContextMiddleware:
    """Makes the client address available to services for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


# Pages a signed-in user may still reach while their role requires two-factor sign-in and
# they have not yet enrolled a device.
TWO_FACTOR_EXEMPT = ("core-two-factor-setup", "core-logout", "set_language")


class TwoFactorRequiredMiddleware:
    """Sends users whose role requires two-factor sign-in to enrol before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/static/", "/api/"))
            and not user.is_verified()
            and two_factor_required(user)
        ):
            exempt = {reverse(name) for name in TWO_FACTOR_EXEMPT}
            if request.path not in exempt:
                return redirect("core-two-factor-setup")
        return self.get_response(request)
