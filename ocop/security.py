"""Hardening at the edge: odd input, idle sessions, the login form, lockouts and rate limits.

See docs/security.md. Nothing here changes a view's logic: the middleware answers malformed requests with 400
before any view runs, and the login and password-reset views are Django's with a stricter form.
"""

import time
import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth import user_logged_in
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Longest single value accepted in a query string or a form field (a dossier comment is far shorter).
MAX_VALUE_LENGTH = 20_000
# Longest uploaded file name kept as the display name (bytes on most file systems allow 255).
MAX_FILE_NAME = 120


def odd_input_problem(key: str, value: str) -> str | None:
    """Why a submitted key or value cannot be stored or parsed, or None when it is fine."""
    if "\x00" in key or "\x00" in value:
        return "nul"
    if len(value) > MAX_VALUE_LENGTH or len(key) > 200:
        return "length"
    # Lone surrogates (from %ED%A0%80 and the like) cannot be encoded for the database.
    try:
        (key + value).encode("utf-8")
    except UnicodeEncodeError:
        return "encoding"
    return None


class OddInputMiddleware:
    """Answer 400 to a request whose parameters no form could accept.

    A NUL byte in any value (PostgreSQL refuses it in text), a value longer than MAX_VALUE_LENGTH, or text that
    cannot be encoded. Django's upload parser already strips control characters from file names. Ordinary
    mistakes (a letter where a number is expected, an unknown choice) are left to the forms, which answer them
    with a message beside the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return render(request, "400.html", {"problem": problem}, status=400)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str | None:
        for key, values in request.GET.lists():
            for value in values:
                if found := odd_input_problem(key, value):
                    return found
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                post = request.POST
            except Exception:  # a malformed multipart body; Django answers it with 400 itself
                return None
            for key, values in post.lists():
                for value in values:
                    if found := odd_input_problem(key, value):
                        return found
        return None


def parse_id(value) -> int | None:
    """An id typed in a form or URL as an int, or None: ASCII digits only ('²'.isdigit() is True, int('²') fails),
    within PostgreSQL's bigint."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def clean_file_name(name: str, limit: int = MAX_FILE_NAME) -> str:
    """A display name for an uploaded file: no path, no control characters, at most ``limit`` characters.

    The extension is kept when short (≤ 10 characters) so "Biên bản.pdf" stays readable; the stored file's name
    never comes from here (it is random, with the suffix of the detected type).
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        return _("file")
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if dot and 0 < len(ext) <= 10:
        return stem[: limit - len(ext) - 2].rstrip() + "…." + ext
    return name[: limit - 1].rstrip() + "…"


class SessionIdleMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request.

    The expiry slides: the session is saved again (new expiry) at most once a minute, not on every request.
    """

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get("_touched", 0) >= self.TOUCH_EVERY:
                session["_touched"] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


def mark_session_fresh(sender, request, user, **kwargs):
    """A new login counts as activity: the next requests within a minute need not save the session again."""
    if getattr(request, "session", None) is not None:
        request.session["_touched"] = int(time.time())


user_logged_in.connect(mark_session_fresh, dispatch_uid="ocop.security.mark_session_fresh")


class LoginForm(AuthenticationForm):
    """Django's login form with a "remember me" box: unticked, the session ends when the browser closes."""

    remember = forms.BooleanField(
        label=gettext_lazy("Keep me logged in on this device (not on a shared computer)"), required=False
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # 0: a browser-session cookie; None: the idle timeout (SESSION_COOKIE_AGE) only.
        self.request.session.set_expiry(None if form.cleaned_data.get("remember") else 0)
        return response


def axes_username(request, credentials=None) -> str:
    """The user name django-axes counts failures against, bounded like Django's (a 5 000-character user name
    must not overflow the attempts table)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field) if credentials else None
    if value is None:
        value = request.POST.get(field, "") if request is not None else ""
    return str(value)[:150]


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (django-axes): Vietnamese, with the waiting time, status 429."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


# ---------------------------------------------------------------------------------------------------------------
# Password reset by email, rate limited per client address and per email.
# ---------------------------------------------------------------------------------------------------------------
def client_address(request) -> str | None:
    """The client's address, for login lockouts (django-axes' AXES_CLIENT_IP_CALLABLE) and the reset limit.

    With ``PROXY_COUNT`` = 0 (no proxy) the connection's address; X-Forwarded-For is ignored, since any client can
    send one. Behind N proxies, each proxy appends the address it saw, so the client is the N-th entry from the right
    (django-ipware, with N - 1 proxies expected after the client); what the client wrote further left is not read. A
    request without a usable header (a probe on the machine itself) falls back to the connection's address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    from ipware.ip import get_client_ip

    try:
        address, _routable = get_client_ip(
            request, proxy_count=proxies - 1, request_header_order=("HTTP_X_FORWARDED_FOR",), strict=False
        )
    except ValueError:
        address = None
    return address or remote


def rate_limited(key: str, limit: int, window: int = 3600) -> bool:
    """Count one request for ``key``; True when it is over ``limit`` within ``window`` seconds."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window)
        count = 1
    return count > limit


class RateLimitedPasswordResetForm(PasswordResetForm):
    """Sends the reset link only to active users with that address; the page reads the same either way."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        limit = settings.PASSWORD_RESET_RATE_PER_HOUR
        over_address = rate_limited(f"pwreset:ip:{client_address(self.request) or 'unknown'}", limit)
        over_email = rate_limited(f"pwreset:email:{email}", limit)
        if over_address or over_email:
            raise forms.ValidationError(
                _("Too many password reset requests. Please try again in an hour."), code="rate_limited"
            )
        return email


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RateLimitedPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        # Links in the email start with PUBLIC_BASE_URL, never with the Host header of the request.
        from urllib.parse import urlsplit

        from django.http import HttpResponseRedirect

        base = urlsplit(settings.PUBLIC_BASE_URL)
        form.save(
            domain_override=base.netloc or None,
            use_https=base.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
        )
        return HttpResponseRedirect(self.get_success_url())
