from __future__ import annotations

from django.http import HttpRequest

from synergy.core.models import User


class AuthedRequest(HttpRequest):
    """A request that passed login_required: ``user`` is a real User."""

    user: User
