"""API authentication: a personal token in the Authorization header, or the browser session
(with CSRF) so that the docs page works for a signed-in user."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from synergy.core.roles import two_factor_required
from synergy.core.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """The browser session, unless the user's role requires a second factor this session has
    not passed: the pages send such a user to enrol, and the API must not be a way round."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        is_verified = getattr(user, "is_verified", None)
        if is_verified is not None and not is_verified() and two_factor_required(user):
            return None
        return user


token_or_session = [TokenAuth(), VerifiedSessionAuth()]
