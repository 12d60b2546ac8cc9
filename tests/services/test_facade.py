"""The services are built on first use: the window's first requests need only a few of them,
the others load when asked (or on a worker right after start-up); each is built once, even
when two threads ask at the same moment."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

from app.kernel.clock import FakeClock
from app.services.facade import NAMES, Services


def test_each_service_is_built_once_on_first_use(engine: Any, clock: FakeClock) -> None:
    services = Services.create(engine, clock)
    assert not any(name in vars(services) for name in NAMES)  # nothing built yet
    clients = services.clients
    assert services.clients is clients and "clients" in vars(services)
    assert "receipts" not in vars(services)
    # the reviews share the policies service, as when every service was built at once
    assert services.reviews.policies is services.policies
    services.load_all()
    assert all(name in vars(services) for name in NAMES)
    assert services.backups.available is services.backups.available  # a real, working service
    assert services.clients.advisors() == []


def test_two_threads_asking_at_once_get_the_same_service(engine: Any, clock: FakeClock) -> None:
    services = Services.create(engine, clock)
    got: list[object] = []
    ready = threading.Barrier(4)

    def ask() -> None:
        ready.wait()
        got.append(services.receipts)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(s is got[0] for s in got)


def test_the_first_screen_needs_few_service_modules() -> None:
    """Building the services the window's first requests use does not import the corte, the
    reports, the repairs or the documents' services (they load later, off the GUI thread)."""
    code = (
        "import sys\n"
        "from app.models.engine import make_engine\n"
        "from app.services.facade import Services\n"
        "s = Services.create(make_engine('sqlite://'))\n"
        "s.clients, s.sessions, s.settings\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('app.services.'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "app.services.sessions" in out
    for later in ("report_service", "repairs", "documents", "day_summary", "receipts"):
        assert f"app.services.{later}" not in out, later
