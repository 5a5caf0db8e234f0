"""Sign-in (with optional second factor), sign-out, and the user's own account page."""

from __future__ import annotations

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from synergy.core import services
from synergy.core.audit import audit_record
from synergy.core.forms import OtpTokenForm, TokenCreateForm, TwoFactorDisableForm
from synergy.core.http import AuthedRequest
from synergy.core.models import User
from synergy.core.roles import two_factor_required

PENDING_KEY = "synergy_pending_user"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if _confirmed_device(user) is not None:
            # Password is right; the session is not signed in until the code is checked too.
            request.session[PENDING_KEY] = user.pk
            request.session["synergy_next"] = _next_url(request)
            return redirect("core-login-token")
        login(request, user)
        audit_record(actor=user, action="login", obj=user)
        return redirect(_next_url(request))
    return render(
        request, "registration/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_token(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    device = _confirmed_device(user) if user else None
    if user is None or device is None:
        return redirect("core-login")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_is_allowed/verify_token apply django-otp's throttling after failures.
        if device.verify_is_allowed()[0] and device.verify_token(form.cleaned_data["token"]):
            target = request.session.pop("synergy_next", "/")
            del request.session[PENDING_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            audit_record(actor=user, action="login", obj=user, detail={"second_factor": True})
            return redirect(target)
        form.add_error(
            "token", _("That code is not valid. Check your device's clock and try the newest code.")
        )
    return render(request, "registration/login_token.html", {"form": form})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action="logout", obj=request.user)
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("core-login")


@login_required
def account(
    request: AuthedRequest, *, disable_form: TwoFactorDisableForm | None = None
) -> HttpResponse:
    context = {
        "tokens": request.user.api_tokens.all(),
        "token_form": TokenCreateForm(),
        "has_device": _confirmed_device(request.user) is not None,
        "two_factor_required": two_factor_required(request.user),
        "disable_form": disable_form or TwoFactorDisableForm(),
    }
    return render(request, "core/account.html", context, status=400 if disable_form else 200)


@login_required
@require_POST
@sensitive_post_parameters("password", "token")
def two_factor_disable(request: AuthedRequest) -> HttpResponse:
    """Turn two-factor sign-in off, with the password and a current code."""
    form = TwoFactorDisableForm(request.POST)
    if not form.is_valid():
        return account(request, disable_form=form)
    try:
        services.two_factor_disable(
            user=request.user,
            password=form.cleaned_data["password"],
            token=form.cleaned_data["token"],
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("core-account")
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field, error)
        return account(request, disable_form=form)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("core-account")


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("core-account")
    token, plain = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    # Rendered, never redirected: the plain token must not land in a URL or be shown twice.
    return render(request, "core/token_created.html", {"token": token, "plain": plain})


@login_required
@require_POST
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=token_id)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("core-account")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthedRequest) -> HttpResponse:
    """Enrol an authenticator app: show a QR code, then confirm with one code from it."""
    if _confirmed_device(request.user) is not None:
        if not request.user.is_verified():  # type: ignore[attr-defined]
            # The device was enrolled from another session; this one never passed the second
            # factor. Sending it to the account page would bounce back here when the role
            # requires two-factor sign-in, so sign it out and ask for the code.
            logout(request)
            messages.info(request, _("Sign in again with a code from your authenticator app."))
            return redirect("core-login")
        messages.info(request, _("Two-factor sign-in is already on for your account."))
        return redirect("core-account")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "authenticator"}
    )
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(actor=request.user, action="two_factor_enable", obj=request.user)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("core-account")
        form.add_error("token", _("That code is not valid. Scan the QR code again and retry."))
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=4)
    return render(
        request,
        "core/two_factor_setup.html",
        {"form": form, "qr": qr, "secret": b32encode(device.bin_key).decode()},
    )
