"""Users and roles: scrypt hashes, the auth file, and who may see which draft."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from graph.errors import ConfigError, RequestError
from recommender.users import AccessDeniedError, Actor, AuthFile, Role, check_password, hash_password


def test_hashes_are_salted_and_checked() -> None:
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a != b and a.startswith("scrypt$")
    assert check_password("correct horse battery", a) and check_password("correct horse battery", b)
    assert not check_password("correct horse batterx", a)
    assert not check_password("anything", "not-a-hash") and not check_password("x", "bcrypt$1$2$3$4$5")


def test_auth_file_round_trip_is_private_and_authenticates(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    auth = AuthFile.load(path).with_user("ana", Role.advisor, "correct horse battery")
    auth = auth.with_user("root", Role.admin, "another long password")
    auth.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "correct horse" not in path.read_text()
    loaded = AuthFile.load(path)
    assert loaded.authenticate("ana", "correct horse battery") == Actor("ana", Role.advisor)
    assert loaded.authenticate("ana", "wrong password!") is None
    assert loaded.authenticate("nobody", "correct horse battery") is None
    changed = loaded.with_user("ana", Role.provider, "a new password here")
    assert [u.username for u in changed.users] == ["root", "ana"] and changed.actor("ana") == Actor(
        "ana", Role.provider
    )


def test_bad_users_and_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="user name"):
        AuthFile().with_user("ana smith", Role.advisor, "long enough password")
    with pytest.raises(RequestError, match="shorter"):
        AuthFile().with_user("ana", Role.advisor, "short")
    bad = tmp_path / "users.json"
    bad.write_text('{"users": [{"username": "ana", "role": "wizard", "password_hash": "x"}]}')
    with pytest.raises(ConfigError, match="/users/0/role"):
        AuthFile.load(bad)


def test_roles_decide_who_sees_a_draft() -> None:
    ana, admin, provider = Actor("ana", Role.advisor), Actor("root", Role.admin), Actor("acme", Role.provider)
    assert ana.may_see("ana") and not ana.may_see("ben")
    assert admin.may_see("ben") and not provider.may_see("acme")
    with pytest.raises(AccessDeniedError, match="sign in as advisor or admin"):
        provider.require(Role.advisor, Role.admin)
