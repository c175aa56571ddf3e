"""Who is signed in: users with roles in an auth file, scrypt password hashes, and the access rules for drafts."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.errors import ConfigError, CredpathError, RequestError

# scrypt parameters (RFC 7914): 2**15 * 8 * 128 bytes = 32 MiB per check, about 0.1 s.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MAXMEM = 64 * 1024 * 1024
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
MIN_PASSWORD = 8


class Role(StrEnum):
    """What a signed-in user may do: advisors own drafts, providers manage offerings, admins see everything."""

    advisor = "advisor"
    provider = "provider"
    admin = "admin"


class AccessDeniedError(CredpathError):
    """The signed-in user's role or ownership does not allow this action."""


@dataclass(frozen=True)
class Actor:
    """The user an action is done for: a name and a role."""

    username: str
    role: Role

    def require(self, *roles: Role) -> None:
        """Raise AccessDeniedError unless this user has one of ``roles``."""
        if self.role not in roles:
            raise AccessDeniedError(
                f"{self.username} ({self.role.value}) may not do this",
                fix="sign in as " + " or ".join(r.value for r in roles),
            )

    def may_see(self, owner: str) -> bool:
        """Whether this user may open a draft owned by ``owner``: its advisor, or an admin."""
        return self.role == Role.admin or (self.role == Role.advisor and owner == self.username)


LOCAL = Actor("local", Role.admin)
"""The single user of an app served without an auth file (on 127.0.0.1 only)."""


class User(BaseModel):
    """One entry of the auth file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(pattern=USERNAME.pattern)
    role: Role
    password_hash: str = Field(description="scrypt$N$r$p$salt$hash, base64; made by `credpath users add`.")


class AuthFile(BaseModel):
    """The users who may sign in to ``credpath serve --auth-file``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str = Field(default="credpath-users", pattern="^credpath-users$")
    users: tuple[User, ...] = ()

    @classmethod
    def load(cls, path: Path) -> AuthFile:
        """Read an auth file; a missing file is an empty one, a malformed one an error naming the field."""
        if not path.exists():
            return cls()
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read the auth file: {exc}", where=str(path), fix="check the path") from exc
        except ValidationError as exc:
            problems = "; ".join(f"/{'/'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ConfigError(
                f"not a credpath auth file: {problems}", where=str(path), fix="create it with `credpath users add`"
            ) from None

    def save(self, path: Path) -> None:
        """Write the file readable by its owner only, replacing it atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.model_dump_json(indent=2) + "\n")
        os.replace(tmp, path)

    def with_user(self, username: str, role: Role, password: str) -> AuthFile:
        """This file with ``username`` added, or replaced (new role and password) if present."""
        if not USERNAME.match(username):
            raise RequestError(
                f"invalid user name {username!r}",
                fix="use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
            )
        if len(password) < MIN_PASSWORD:
            raise RequestError(f"the password is shorter than {MIN_PASSWORD} characters", fix="choose a longer one")
        user = User(username=username, role=role, password_hash=hash_password(password))
        return AuthFile(users=(*(u for u in self.users if u.username != username), user))

    def authenticate(self, username: str, password: str) -> Actor | None:
        """The user, if the password is right; None otherwise (the same time is spent for unknown names)."""
        user = next((u for u in self.users if u.username == username), None)
        ok = check_password(password, user.password_hash if user else _dummy_hash())
        return Actor(user.username, user.role) if user is not None and ok else None

    def actor(self, username: str) -> Actor | None:
        """The signed-in user by name, with the role the file gives them now."""
        user = next((u for u in self.users if u.username == username), None)
        return Actor(user.username, user.role) if user is not None else None


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A self-describing scrypt hash of ``password``.

    Examples
    --------
    >>> h = hash_password("correct horse", salt=b"0123456789abcdef")
    >>> h.split("$")[:4], check_password("correct horse", h), check_password("wrong", h)
    (['scrypt', '32768', '8', '1'], True, False)
    """
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM, dklen=32
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches a hash from :func:`hash_password` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _dummy_hash() -> str:
    return hash_password("credpath-dummy-password", salt=b"credpath-dummy-s")


def describe(auth: AuthFile) -> str:
    """A one-line summary of an auth file (never its hashes)."""
    return json.dumps({u.username: u.role.value for u in auth.users})
