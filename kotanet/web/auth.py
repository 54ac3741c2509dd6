"""Logins, sessions, CSRF tokens, API tokens and the login rate limit.

* Passwords: argon2id (argon2-cffi's defaults). An unknown user costs the same verification as a known one.
* Sessions: a random id in an HttpOnly, SameSite=Lax cookie (Secure behind HTTPS); the database keeps only
  its SHA-256, the user and the expiry. The role is read from the user's row on every request, so nothing
  the browser sends can change it.
* CSRF: one random token per session, required (form field ``csrf_token`` or header ``X-CSRF-Token``) on
  every unsafe method of a cookie-authenticated request. Requests with ``Authorization: Bearer <token>``
  carry no cookie and are exempt.
* Rate limit: ``login_max_failures`` failed logins for one username from one address within
  ``login_window_s`` seconds refuse further attempts (429) until the window has passed.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kotanet.errors import KotanetError
from kotanet.lang import Lang
from kotanet.timeutil import to_micros
from kotanet.web.db import UserRow, WebDb
from kotanet.web.roles import Role
from kotanet.web.settings import WebSettings

__all__ = ["COOKIE", "CSRF_FIELD", "CSRF_HEADER", "Auth", "LoginResult", "Principal", "Via", "check_name",
           "check_password"]

COOKIE = "kotanet_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
TOKEN_PREFIX = "knt_"
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")
MIN_PASSWORD = 8


class Via(StrEnum):
    SESSION = "session"
    TOKEN = "token"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who made a request, as the server knows it."""

    name: str
    role: Role
    lang: Lang
    via: Via
    csrf: str = ""
    """The session's CSRF token (empty for token requests)."""


class LoginResult(StrEnum):
    OK = "ok"
    BAD = "bad"
    THROTTLED = "throttled"


def check_name(name: str) -> str:
    """A user name: 1-64 of a-z, 0-9, '.', '_', '-' (lower case), starting with a letter or digit."""
    text = name.strip()
    if not text or len(text) > 64 or not set(text) <= _NAME_CHARS or not text[0].isalnum():
        raise KotanetError(f"invalid user name {name!r}",
                           hint="use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
    return text


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise KotanetError(f"the password is too short (at least {MIN_PASSWORD} characters)",
                           hint="choose a longer password")
    if len(password) > 1024:
        raise KotanetError("the password is too long (at most 1024 characters)", hint="choose a shorter password")
    return password


class Auth:
    def __init__(self, db: WebDb, settings: WebSettings, hasher: PasswordHasher | None = None) -> None:
        self.db = db
        self.settings = settings
        self.hasher = hasher or PasswordHasher()
        self._dummy = self.hasher.hash(secrets.token_hex(16))

    def now(self) -> dt.datetime:
        return self.settings.session_clock.now()

    # ------------------------------------------------------------------------------------- users

    def add_user(self, name: str, role: Role, password: str) -> None:
        self.db.add_user(check_name(name), role, self.hasher.hash(check_password(password)), self.now())

    def new_token(self, name: str) -> str:
        """A new API token for ``name``: shown once, stored hashed."""
        if self.db.user(name) is None:
            raise KotanetError(f"no user {name!r}", hint="see `kotanet users list`")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.db.add_token(token, name, self.now())
        return token

    # ------------------------------------------------------------------------------------- login

    @staticmethod
    def _limit_key(name: str, ip: str) -> str:
        return f"{name.strip().lower()}|{ip}"

    def login(self, name: str, password: str, ip: str) -> tuple[LoginResult, str, str]:
        """(result, session id, csrf token); the id and token are empty unless the result is OK."""
        now_us = to_micros(self.now())
        key = self._limit_key(name, ip)
        window_us = self.settings.login_window_s * 1_000_000
        if self.db.failures(key, now_us - window_us) >= self.settings.login_max_failures:
            return LoginResult.THROTTLED, "", ""
        user = self.db.user(name.strip()) if len(name) <= 64 else None
        if not self._verify(user, password):
            self.db.add_failure(key, now_us)
            return LoginResult.BAD, "", ""
        assert user is not None
        self.db.clear_failures(key)
        self.db.clear_failures("", before_us=now_us - window_us)  # forget old failures of everyone
        self.db.purge_sessions(now_us)
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        self.db.add_session(session_id, user.name, csrf, now_us + self.settings.session_ttl_s * 1_000_000)
        return LoginResult.OK, session_id, csrf

    def _verify(self, user: UserRow | None, password: str) -> bool:
        if len(password) > 1024:
            return False
        try:
            ok = self.hasher.verify(user.password_hash if user else self._dummy, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if user is None:
            return False
        if ok and self.hasher.check_needs_rehash(user.password_hash):
            self.db.set_password_hash(user.name, self.hasher.hash(password))
        return bool(ok)

    def logout(self, session_id: str) -> None:
        self.db.end_session(session_id)

    # -------------------------------------------------------------------------------- requests

    def from_session(self, session_id: str | None) -> Principal | None:
        if not session_id or len(session_id) > 200:
            return None
        row = self.db.session(session_id, to_micros(self.now()))
        if row is None:
            return None
        return Principal(row.user.name, row.user.role, _lang(row.user.lang), Via.SESSION, row.csrf)

    def from_token(self, token: str) -> Principal | None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        user = self.db.token_user(token)
        return None if user is None else Principal(user.name, user.role, _lang(user.lang), Via.TOKEN)

    @staticmethod
    def csrf_ok(principal: Principal, presented: str | None) -> bool:
        if principal.via is Via.TOKEN:
            return True
        return bool(presented) and hmac.compare_digest(principal.csrf.encode(), (presented or "").encode())


def _lang(value: str) -> Lang:
    return Lang(value) if value in ("en", "id") else Lang.EN
