"""The demo clinic: a complete encrypted data folder full of made-up courses.

Used by ``--demo`` (small, in a temporary folder), by ``alliance-desktop
demo-db`` and by the benchmarks (large: the clinic-scale profile). Every staff
account of a demo clinic has the same password, given by the caller.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from alliance_desktop.config import DataPaths
from alliance_desktop.core.clock import Clock, SystemClock
from alliance_desktop.core.demo_courses import PROFILES, generate_courses, therapists
from alliance_desktop.services.access import ClinicAccess
from alliance_desktop.storage import audit
from alliance_desktop.storage.demo_writer import InstrumentRef, write_courses, write_therapists
from alliance_desktop.storage.keys import DEFAULT_KDF, KdfParams, KeyFile

DEMO_CLINIC_NAME = "Demo Clinic (made-up data)"
DEMO_ADMIN_USER = "admin"
DEMO_SUPERVISOR_USER = "supervisor"
#: Password of every account in the throwaway ``--demo`` clinic (never used for real data).
DEMO_PASSWORD = "demo-clinic-2026"
ALLIANCE_INSTRUMENT = "example-alliance"
OUTCOME_INSTRUMENT = "phq9"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    therapists: tuple[str, ...]
    clients: int
    sessions: int
    recovery_key: str


def _refs() -> tuple[InstrumentRef, InstrumentRef, Callable[..., object], int]:
    from alliance_desktop.core.instruments import load_bundled
    from alliance_desktop.core.scoring import score_response

    bundled = load_bundled()
    alliance, outcome = bundled[ALLIANCE_INSTRUMENT], bundled[OUTCOME_INSTRUMENT]

    def ref(instr: object, vas: bool) -> InstrumentRef:
        items = tuple(i.id for i in instr.items if i.scored)  # type: ignore[attr-defined]
        return InstrumentRef(id=instr.id, version=instr.version,  # type: ignore[attr-defined]
                             licence_id=instr.licence.id, item_ids=items, vas=vas)  # type: ignore[attr-defined]

    by_id = {ALLIANCE_INSTRUMENT: alliance, OUTCOME_INSTRUMENT: outcome}

    def scorer(r: InstrumentRef, answers: dict[str, int]) -> object:
        return score_response(by_id[r.id], answers)

    outcome_max = int(max(o.value for o in outcome.items[0].response.options))
    return ref(alliance, True), ref(outcome, False), scorer, outcome_max


def build_demo_clinic(
    paths: DataPaths,
    *,
    size: str = "small",
    seed: int = 1,
    password: str = DEMO_PASSWORD,
    kdf: KdfParams = DEFAULT_KDF,
    clock: Clock | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Create a demo clinic in an empty ``paths`` folder. Deterministic for (seed, today)."""
    profile = PROFILES[size]
    clock = clock or SystemClock()
    today = today or clock.now().date()
    access = ClinicAccess(paths, clock=clock, kdf=kdf)
    recovery_key = access.new_recovery_key()
    access.create_clinic(clinic_name=DEMO_CLINIC_NAME, username=DEMO_ADMIN_USER,
                         display_name="Demo Administrator", password=password, recovery_key=recovery_key)
    alliance, outcome, scorer, outcome_max = _refs()
    rng = random.Random(seed)
    staff = therapists(rng, profile.therapists)
    session = access.unlock(DEMO_ADMIN_USER, password)
    try:
        db = session.database()
        now = clock.now()
        write_therapists(db, staff, now)
        from alliance_desktop.core.model import Role
        from alliance_desktop.storage import repositories

        with session.write() as s:
            supervisor = repositories.add_user(s, username=DEMO_SUPERVISOR_USER, display_name="Demo Supervisor",
                                               role=Role.SUPERVISOR, now=now)
            for t in staff:
                audit.append(s, at=now, action="user.created", actor_id=session.user.id,
                             target_kind="user", target_id=str(t.id), details={"role": "therapist"})
            audit.append(s, at=now, action="user.created", actor_id=session.user.id,
                         target_kind="user", target_id=str(supervisor.id), details={"role": "supervisor"})
        # Every staff account gets its own Argon2id wrap of the data key: about 0.2 s of one core each,
        # ten seconds for the large clinic. argon2 runs outside the GIL, so the wraps are made on a
        # second thread while this one writes the courses (the key file is saved once both are done).
        data_key = session.data_key()
        usernames = (*(t.username for t in staff), DEMO_SUPERVISOR_USER)

        def wrap_keys() -> KeyFile:
            keyfile = KeyFile.load(paths.keyfile)
            for username in usernames:
                keyfile = keyfile.with_user(username, password, data_key, kdf=kdf)
            return keyfile

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-keys") as pool:
            keys = pool.submit(wrap_keys)
            courses = generate_courses(rng, profile=profile, today=today, alliance_items=len(alliance.item_ids),
                                       outcome_items=len(outcome.item_ids), outcome_max=outcome_max)
            n_clients, n_sessions = write_courses(
                db, courses, therapists=staff, alliance=alliance, outcome=outcome,
                scorer=scorer,  # type: ignore[arg-type]
                now=now, progress=(lambda done: progress(done, profile.clients)) if progress else None,
            )
            keys.result().save(paths.keyfile)
        from alliance_desktop.services.demo_alerts import write_demo_alerts

        n_alerts = write_demo_alerts(session, today)
        session.record("demo.generated", details={"size": size, "seed": seed, "clients": n_clients,
                                                  "alerts": n_alerts})
    finally:
        session.lock()
    return DemoSummary(tuple(t.username for t in staff), n_clients, n_sessions, recovery_key)
