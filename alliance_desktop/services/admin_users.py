"""Staff accounts: add, deactivate, reset a password. Administrators only.

Why the key file is part of it: every account that can log in has its own
wrap of the database key (storage.keys). Adding a user adds a wrap made with
the administrator's open session key; deactivating removes it, so the account
cannot unlock the database even with the right password. A reset needs the
administrator's own password, checked against the administrator's wrap in the
key file (or the clinic's recovery key, through
``ClinicAccess.unlock_with_recovery_key``): there is no backdoor.
"""

from __future__ import annotations

import contextlib
import uuid

from alliance_desktop.core.accounts import assess_password, normalize_username, username_problem
from alliance_desktop.core.model import Role, StaffUser
from alliance_desktop.services.authz import NotFound, require_admin
from alliance_desktop.services.clinic_session import ClinicSession
from alliance_desktop.services.errors import InvalidInput, WrongPassword
from alliance_desktop.storage import audit, repositories, staff_records
from alliance_desktop.storage.keys import DEFAULT_KDF, KdfParams, KeyFile, WrongSecret

__all__ = ["add_user", "deactivate_user", "list_users", "reset_password"]

MAX_DISPLAY_NAME = 200


def _kdf(session: ClinicSession) -> KdfParams:
    # New wraps use the cost parameters the clinic was opened with (cheap ones in tests).
    kdf = getattr(session, "_kdf", None)
    return kdf if isinstance(kdf, KdfParams) else DEFAULT_KDF


def list_users(session: ClinicSession) -> tuple[StaffUser, ...]:
    require_admin(session.user, "manage staff accounts")
    with session.read() as s:
        return tuple(repositories.list_users(s))


def add_user(session: ClinicSession, username: str, display_name: str, role: Role | str,
             password: str) -> StaffUser:
    """A new staff account that can log in at once with ``password``."""
    require_admin(session.user, "add staff accounts")
    problem = username_problem(username)
    if problem:
        raise InvalidInput("username", problem)
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput("role", "Choose administrator, therapist or supervisor.") from None
    shown = (display_name or "").strip() or username.strip()
    if len(shown) > MAX_DISPLAY_NAME:
        raise InvalidInput("display_name", f"A name can have at most {MAX_DISPLAY_NAME} characters.")
    verdict = assess_password(password, username=username, clinic_name=session.clinic_name)
    if not verdict.acceptable:
        raise InvalidInput("password", " ".join(verdict.hints) or "Choose another password.")
    now = session.clock.now()
    with session.write() as s:
        if repositories.user_by_username(s, username) is not None:
            raise InvalidInput("username", "This user name is already taken.")
        user = repositories.add_user(s, username=username, display_name=shown, role=role, now=now)
        audit.append(s, at=now, action="user.created", actor_id=session.user.id, target_kind="user",
                     target_id=str(user.id), details={"role": role.value})
        # Inside the transaction: if the key file cannot be written, the account is not created.
        keyfile = KeyFile.load(session.paths.keyfile)
        keyfile.with_user(normalize_username(username), password, session.data_key(),
                          kdf=_kdf(session)).save(session.paths.keyfile)
    return user


def deactivate_user(session: ClinicSession, username: str) -> StaffUser:
    """The account can no longer log in (its key wrap is removed); its records keep its name."""
    require_admin(session.user, "deactivate staff accounts")
    now = session.clock.now()
    with session.write() as s:
        user = repositories.user_by_username(s, username)
        if user is None:
            raise NotFound("username", "account")
        if user.id == session.user.id:
            raise InvalidInput("username", "You cannot deactivate your own account.")
        if not user.active:
            raise InvalidInput("username", "This account is already deactivated.")
        if user.role is Role.ADMIN and staff_records.active_admins(s) <= 1:
            raise InvalidInput("username", "The clinic needs at least one active administrator.")
        if user.role is Role.THERAPIST:
            clients = staff_records.active_clients_of(s, user.id)
            if clients:
                raise InvalidInput("username", f"{user.display_name} still has {clients} active client(s). "
                                               "Assign them to another therapist first.")
        staff_records.set_user_active(s, user.id, False)
        audit.append(s, at=now, action="user.deactivated", actor_id=session.user.id, target_kind="user",
                     target_id=str(user.id))
        keyfile = KeyFile.load(session.paths.keyfile)
        with contextlib.suppress(KeyError):  # an account without a wrap has nothing to remove
            keyfile.without_user(user.username).save(session.paths.keyfile)
        found = repositories.user_by_id(s, user.id)
    assert found is not None
    return found


def reset_password(session: ClinicSession, username: str, new_password: str, admin_password: str) -> None:
    """Give ``username`` a new password; the administrator confirms with their own password."""
    require_admin(session.user, "reset passwords")
    keyfile = KeyFile.load(session.paths.keyfile)
    try:
        keyfile.unlock_user(session.user.username, admin_password)
    except WrongSecret:
        session.record("password.reset_refused", details={"reason": "wrong_admin_password"})
        raise WrongPassword("Your own password is wrong; the password was not reset.") from None
    now = session.clock.now()
    with session.read() as s:
        user = repositories.user_by_username(s, username)
    if user is None or not user.active:
        raise NotFound("username", "active account")
    verdict = assess_password(new_password, username=user.username, clinic_name=session.clinic_name)
    if not verdict.acceptable:
        raise InvalidInput("new_password", " ".join(verdict.hints) or "Choose another password.")
    keyfile.with_user(user.username, new_password, session.data_key(), kdf=_kdf(session)).save(session.paths.keyfile)
    with session.write() as s:
        audit.append(s, at=now, action="password.reset", actor_id=session.user.id, target_kind="user",
                     target_id=str(user.id), details={"via": "admin_password"})


def user_id_of(session: ClinicSession, username: str) -> uuid.UUID:
    """The id of an account by user name (administrators)."""
    require_admin(session.user, "manage staff accounts")
    with session.read() as s:
        user = repositories.user_by_username(s, username)
    if user is None:
        raise NotFound("username", "account")
    return user.id
