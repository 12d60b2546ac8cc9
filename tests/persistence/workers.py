"""Child processes for the crash and concurrency tests: ``python -m tests.persistence.workers``.

``record URL SESSION_ID``  pause/resume the session forever, printing ``ack SEQ`` after each
                           commit (the parent SIGKILLs it at some moment).
``issue URL ADVISOR_ID CLIENT_ID COUNT``  wait for ``go`` on stdin, then start, end and
                           bill COUNT sessions, printing each receipt's folio.
"""

from __future__ import annotations

import sys

from app.kernel.enums import Modality, Outcome
from app.models.engine import make_engine
from app.services.facade import Services


def record(url: str, session_id: int) -> None:
    services = Services.create(make_engine(url))
    sessions = services.sessions
    print("ready", flush=True)
    while True:
        view = sessions.session(session_id)
        view = sessions.resume(session_id) if view.paused else sessions.pause(session_id)
        print(f"ack {view.events[-1].seq}", flush=True)


def issue(url: str, advisor_id: int, client_id: int, count: int) -> None:
    services = Services.create(make_engine(url))
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    for _ in range(count):
        sid = services.sessions.start(advisor_id, client_id, Modality.OFFICE).id
        services.sessions.end(sid, Outcome.RESOLVED)
        receipt = services.receipts.issue_for_session(sid)
        print(receipt.folio, flush=True)


def main(argv: list[str]) -> None:
    command, url, *rest = argv
    if command == "record":
        record(url, int(rest[0]))
    elif command == "issue":
        issue(url, int(rest[0]), int(rest[1]), int(rest[2]))
    else:  # pragma: no cover
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
