"""Crash test: SIGKILL a process that records whole support sessions, at random moments, many times.

Modelled on SQLite's own crash tests. The child process opens the database the way the app does
(engine, ``upgrade``: integrity quick check and schema revision, ``expire_pending``), first
continues or ends any session its advisor left running, then loops over whole lifecycles:
start a session (remote by remote desktop — channel, device and checklist —, by phone or
chat, or office / onsite), a random number of the events the rules allow at that moment
(pause/resume, disconnect/reconnect, remote request/accept/decline/start/stop, chat
instructions), end it with an outcome, issue its receipt, record one or two payments. Before
each committed call it prints ``begin …`` and after it ``ack …``:

    ack start <session> 1            ack event <session> <seq> <kind>
    ack end <session> <seq> <outcome>
    ack receipt <session> <folio> <receipt_id> <total>
    ack payment <receipt_id> <amount> <payment_id>

The parent kills it — a share of the trials at a delay from the spawn (from 0 ms: during the
interpreter's start, the imports, while the engine opens), the others at a delay after the
child said ``ready`` — then reopens the database and checks: every acknowledged call is there
exactly (event kind, outcome, folio and total, payment amount); every session's events are
1..n with no hole and start with its start event; a session is ended exactly when its last
event is the end; receipt folios (and case numbers) are gapless 1..N and their counter is at
N+1; no receipt without lines or paid above its total; at most one running session for the
advisor; ``PRAGMA integrity_check`` says ok (SQLite). At the end every acknowledgement of
every trial is checked again.

    .venv/bin/python bench/crash_test.py [--trials 50] [--db URL] [--max-ms 400]
        [--startup-share 0.3] [--seed N] [--quiet]

Without ``--db`` a fresh SQLite file in a temporary directory is used. With ``--db`` the
schema is brought up to date and a new advisor, client and device are added for the run.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = ("start", "event", "end", "receipt", "payment")


# -- the child ------------------------------------------------------------------------------------
def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def child(url: str, advisor_id: int, client_id: int, device_id: int, seed: int) -> None:
    _say("boot")
    from app.billing.session_rules import Checklist, allowed_actions
    from app.kernel.enums import (
        Channel,
        Modality,
        Outcome,
        PaymentArrangement,
        PaymentMethod,
        RemoteTool,
        SessionAction,
    )
    from app.kernel.errors import DomainError
    from app.models.engine import make_engine, upgrade
    from app.services.facade import Services

    rng = random.Random(seed)
    _say("begin open")
    engine = make_engine(url)
    upgrade(engine)  # what the app does at start: quick_check, revision, migrations if any
    services = Services.create(engine)
    services.sessions.expire_pending()
    _say("begin recover")
    sessions, receipts = services.sessions, services.receipts
    running = sessions.running_session(advisor_id)
    _say("ready")

    def event(view: Any) -> Any:
        """One random event the rules allow now (None: only END is allowed)."""
        allowed = allowed_actions(view.rules_state(services.clock())) - {SessionAction.END}
        if not allowed:
            return None
        action = rng.choice(sorted(allowed))
        sid = view.id
        _say(f"begin event {sid} {view.events[-1].seq + 1} {action.value}")
        if action is SessionAction.PAUSE:
            view = sessions.pause(sid)
        elif action is SessionAction.RESUME:
            view = sessions.resume(sid)
        elif action is SessionAction.DISCONNECT:
            view = sessions.disconnect(sid, note=rng.choice(["", "Se cayó la red"]))
        elif action is SessionAction.RECONNECT:
            view = sessions.reconnect(sid)
        elif action is SessionAction.REQUEST_REMOTE:
            view = sessions.request_remote(sid)
        elif action is SessionAction.ANSWER_REMOTE:
            if rng.random() < 0.85:
                view = sessions.accept_remote(sid, backup_notice_acknowledged=True)
            else:
                view = sessions.decline_remote(sid)
        elif action is SessionAction.START_REMOTE:
            view = sessions.start_remote(sid)
        elif action is SessionAction.STOP_REMOTE:
            view = sessions.stop_remote(sid, by_client=rng.random() < 0.5)
        elif action is SessionAction.START_INSTRUCTIONS:
            view = sessions.start_instructions(sid)
        elif action is SessionAction.END_INSTRUCTIONS:
            view = sessions.end_instructions(sid)
        last = view.events[-1]
        _say(f"ack event {sid} {last.seq} {last.kind.value}")
        return view

    def start() -> Any:
        _say("begin start")
        roll = rng.random()
        if roll < 0.4:
            checklist = Checklist(
                rng.choice([PaymentArrangement.PREPAID, PaymentArrangement.LATER]),
                internet=True,
                macos=True,
                remote_tool=rng.choice(list(RemoteTool)),
            )
            view = sessions.start(
                advisor_id,
                client_id,
                Modality.REMOTE,
                device_id=device_id,
                channel=Channel.REMOTE_DESKTOP,
                checklist=checklist,
                summary="No enciende",
            )
        elif roll < 0.55:
            checklist = Checklist(PaymentArrangement.PREPAID, internet=True)
            channel = rng.choice([Channel.PHONE, Channel.CHAT])
            view = sessions.start(
                advisor_id, client_id, Modality.REMOTE, channel=channel, checklist=checklist
            )
        elif roll < 0.8:
            view = sessions.start(advisor_id, client_id, Modality.OFFICE, device_id=device_id)
        else:
            view = sessions.start(advisor_id, client_id, Modality.ONSITE, city="Coatepec")
        _say(f"ack start {view.id} {view.events[-1].seq}")
        return view

    def finish(view: Any) -> None:
        """End with an outcome, issue the receipt, record one or two payments."""
        outcomes = [
            Outcome.RESOLVED,
            Outcome.FOLLOW_UP,
            Outcome.INTERRUPTED,
            Outcome.UNSOLVABLE,
            Outcome.ESCALATED,
        ]
        if view.status.consents_declined:
            outcomes += [Outcome.DECLINED_REMOTE] * 3
        outcome = rng.choice(outcomes)
        _say(f"begin end {view.id} {outcome.value}")
        view = sessions.end(view.id, outcome)
        _say(f"ack end {view.id} {view.events[-1].seq} {view.outcome.value}")
        _say(f"begin receipt {view.id}")
        receipt = receipts.issue_for_session(view.id)
        _say(f"ack receipt {view.id} {receipt.folio} {receipt.id} {receipt.total}")
        balance = receipt.total
        for _ in range(rng.choice([1, 1, 2])):
            if balance <= 0:
                break
            amount = balance
            if rng.random() < 0.5 and balance > Decimal("1.00"):
                amount = (balance * Decimal(rng.randint(10, 90)) / 100).quantize(Decimal("0.01"))
            method = rng.choice(list(PaymentMethod))
            _say(f"begin payment {receipt.id} {amount} {len(receipt.payments)}")
            receipt = receipts.record_payment(receipt.id, amount, method, reference="ref")
            paid = max(receipt.payments, key=lambda p: p.id)
            _say(f"ack payment {receipt.id} {paid.amount} {paid.id}")
            balance -= amount

    def lifecycle(view: Any) -> None:
        for _ in range(rng.choice([0, 1, 2, 3, 4, 6, 8, 12])):
            after = event(view)
            if after is None:
                break
            view = after
        finish(view)

    try:
        if running is not None:  # left by a kill: continue it or end it now
            lifecycle(running) if rng.random() < 0.5 else finish(running)
        while True:
            lifecycle(start())
    except DomainError as exc:  # a refusal the rules should not give here: the parent reports it
        _say(f"error {type(exc).__name__}: {exc}")
        raise


# -- the parent -----------------------------------------------------------------------------------
@dataclass
class Acks:
    start: list[tuple[int, int]] = field(default_factory=list)
    event: list[tuple[int, int, str]] = field(default_factory=list)
    end: list[tuple[int, int, str]] = field(default_factory=list)
    receipt: list[tuple[int, str, int, Decimal]] = field(default_factory=list)
    payment: list[tuple[int, Decimal, int]] = field(default_factory=list)

    def extend(self, other: Acks) -> None:
        for kind in KINDS:
            getattr(self, kind).extend(getattr(other, kind))

    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in KINDS}


def parse(lines: list[str]) -> tuple[Acks, str, list[str]]:
    """The acknowledgements, the phase the child was in when killed, its last ``begin`` line."""
    acks = Acks()
    for line in lines:
        p = line.split()
        if not p or p[0] != "ack":
            continue
        if p[1] == "start":
            acks.start.append((int(p[2]), int(p[3])))
        elif p[1] == "event":
            acks.event.append((int(p[2]), int(p[3]), p[4]))
        elif p[1] == "end":
            acks.end.append((int(p[2]), int(p[3]), p[4]))
        elif p[1] == "receipt":
            acks.receipt.append((int(p[2]), p[3], int(p[4]), Decimal(p[5])))
        elif p[1] == "payment":
            acks.payment.append((int(p[2]), Decimal(p[3]), int(p[4])))
    last = lines[-1].split() if lines else []
    if not last:
        phase = "interpreter start (no output yet)"
    elif last[0] == "boot":
        phase = "imports"
    elif last[:2] == ["begin", "open"]:
        phase = "engine open (make_engine, upgrade, expire_pending)"
    elif last[:2] == ["begin", "recover"]:
        phase = "reading the running session"
    elif last[0] == "begin":
        phase = f"during {last[1]}"
    elif last[0] == "error":
        phase = "child refused a call"
    else:
        phase = "between calls"
    return acks, phase, last


class Checker:
    """Opens the database after a kill and checks it."""

    def __init__(self, url: str, advisor_id: int) -> None:
        self.url = url
        self.advisor_id = advisor_id

    def check(
        self, acks: Acks, inflight: list[str]
    ) -> tuple[Counter[str], Counter[str], str, bool]:
        """(lost by kind, problems by name, integrity_check result, in-flight call committed)."""
        from sqlalchemy import text

        from app.models.engine import make_engine

        engine = make_engine(self.url)
        lost: Counter[str] = Counter()
        problems: Counter[str] = Counter()
        try:
            with engine.connect() as conn:
                q = lambda sql, **kw: conn.execute(text(sql), kw).all()  # noqa: E731
                self._acks(q, acks, lost)
                self._invariants(q, problems)
                committed = self._inflight(q, inflight)
                if engine.dialect.name == "sqlite":
                    rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check")]
                    integrity = "ok" if rows == ["ok"] else "; ".join(rows)[:200]
                else:
                    integrity = "n/a (server)"
                conn.rollback()
        finally:
            engine.dispose()
        return lost, problems, integrity, committed

    @staticmethod
    def _rows(q: Any, sql: str, ids: set[int]) -> list[Any]:
        """``sql`` with ``{ids}`` as the id list, in chunks (SQLite caps a statement's length)."""
        ordered = sorted(ids) or [None]
        out: list[Any] = []
        for start in range(0, len(ordered), 2000):
            chunk = ",".join("NULL" if i is None else str(i) for i in ordered[start : start + 2000])
            out += q(sql.format(ids=chunk))
        return out

    def _acks(self, q: Any, acks: Acks, lost: Counter[str]) -> None:
        cents = Decimal("0.01")
        sids = {a[0] for a in acks.start} | {a[0] for a in acks.event} | {a[0] for a in acks.end}
        events = {
            (int(s), int(n)): str(k)
            for s, n, k in self._rows(
                q,
                "SELECT session_id, seq, kind FROM session_events WHERE session_id IN ({ids})",
                sids,
            )
        }
        lost["start"] += sum(events.get((s, n)) != "started" for s, n in acks.start)
        lost["event"] += sum(events.get((s, n)) != k for s, n, k in acks.event)
        ends = {
            int(i): (str(o) if o is not None else None, e is not None)
            for i, o, e in self._rows(
                q,
                "SELECT id, outcome, ended_at FROM sessions WHERE id IN ({ids})",
                {a[0] for a in acks.end},
            )
        }
        lost["end"] += sum(
            ends.get(s) != (o, True) or events.get((s, n)) != "ended" for s, n, o in acks.end
        )
        rids = {a[2] for a in acks.receipt}
        receipts = {
            int(i): (str(f), int(s) if s is not None else None, Decimal(str(t)).quantize(cents))
            for i, f, s, t in self._rows(
                q, "SELECT id, folio, session_id, total FROM receipts WHERE id IN ({ids})", rids
            )
        }
        lost["receipt"] += sum(
            receipts.get(r) != (f, s, t.quantize(cents)) for s, f, r, t in acks.receipt
        )
        pids = {a[2] for a in acks.payment}
        payments = {
            int(i): (int(r), Decimal(str(a)).quantize(cents))
            for i, r, a in self._rows(
                q, "SELECT id, receipt_id, amount FROM payments WHERE id IN ({ids})", pids
            )
        }
        lost["payment"] += sum(
            payments.get(p) != (r, a.quantize(cents)) for r, a, p in acks.payment
        )

    def _invariants(self, q: Any, problems: Counter[str]) -> None:
        holes = q(
            "SELECT session_id FROM session_events GROUP BY session_id "
            "HAVING min(seq) <> 1 OR max(seq) <> count(*) OR count(DISTINCT seq) <> count(*)"
        )
        problems["event sequence holes"] += len(holes)
        problems["sessions whose first event is not the start"] += q(
            "SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM session_events e "
            "WHERE e.session_id = s.id AND e.seq = 1 AND e.kind = 'started')"
        )[0][0]
        problems["ended_at and end event disagree"] += q(
            "SELECT count(*) FROM sessions s WHERE (s.ended_at IS NULL) = EXISTS (SELECT 1 FROM "
            "session_events e WHERE e.session_id = s.id AND e.kind = 'ended')"
        )[0][0]
        problems["end event not the last one"] += q(
            "SELECT count(*) FROM session_events e WHERE e.kind = 'ended' AND e.seq <> "
            "(SELECT max(x.seq) FROM session_events x WHERE x.session_id = e.session_id)"
        )[0][0]
        for series, n, low, high, distinct in q(
            "SELECT series, count(*), min(number), max(number), count(DISTINCT number) "
            "FROM receipts GROUP BY series"
        ):
            if not (low == 1 and high == n == distinct):
                problems["receipt folio gaps"] += 1
            counter = q("SELECT next_number FROM folio_counters WHERE series = :s", s=series)
            if not counter or counter[0][0] != high + 1:
                problems["folio counter not at N+1"] += 1
        n, low, high, distinct = q(
            "SELECT count(*), min(number), max(number), count(DISTINCT number) FROM cases"
        )[0]
        if n and not (low == 1 and high == n == distinct):
            problems["case number gaps"] += 1
        problems["receipts without lines"] += q(
            "SELECT count(*) FROM receipts r WHERE NOT EXISTS "
            "(SELECT 1 FROM receipt_lines l WHERE l.receipt_id = r.id)"
        )[0][0]
        problems["receipts paid above their total"] += q(
            # rounded: SQLite keeps NUMERIC(12, 2) amounts as REAL, so a sum is a float
            "SELECT count(*) FROM receipts r WHERE round((SELECT coalesce(sum(p.amount), 0) "
            "FROM payments p WHERE p.receipt_id = r.id), 2) > round(r.total, 2)"
        )[0][0]
        running = q(
            "SELECT count(*) FROM sessions WHERE advisor_id = :a AND ended_at IS NULL",
            a=self.advisor_id,
        )[0][0]
        problems["advisor with more than one running session"] += running > 1

    def _inflight(self, q: Any, last: list[str]) -> bool:
        """Whether the call the child was in when killed was committed anyway."""
        if not last or last[0] != "begin":
            return False
        what = last[1]
        if what == "start":
            return bool(
                q(
                    "SELECT count(*) FROM sessions WHERE advisor_id = :a AND ended_at IS NULL",
                    a=self.advisor_id,
                )[0][0]
            )
        if what == "event":
            return bool(
                q(
                    "SELECT count(*) FROM session_events WHERE session_id = :s AND seq = :n",
                    s=int(last[2]),
                    n=int(last[3]),
                )[0][0]
            )
        if what == "end":
            return bool(
                q(
                    "SELECT count(*) FROM sessions WHERE id = :s AND ended_at IS NOT NULL",
                    s=int(last[2]),
                )[0][0]
            )
        if what == "receipt":
            return bool(
                q("SELECT count(*) FROM receipts WHERE session_id = :s", s=int(last[2]))[0][0]
            )
        if what == "payment":
            return q("SELECT count(*) FROM payments WHERE receipt_id = :r", r=int(last[2]))[0][
                0
            ] > int(last[4])
        return False


def _drain(stream: Any, into: list[str], ready: threading.Event, stamp: list[float]) -> None:
    for line in stream:
        into.append(line.rstrip("\n"))
        if line.startswith("ready") and not ready.is_set():
            stamp.append(time.perf_counter())
            ready.set()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--db", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--max-ms", type=float, default=400.0, help="latest kill after the child is ready"
    )
    parser.add_argument(
        "--startup-share",
        type=float,
        default=0.3,
        help="share of the trials killed at 0..(start-up + max-ms) ms after the spawn",
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        url, advisor, client, device, seed = args.child
        child(url, int(advisor), int(client), int(device), int(seed))
        return 0

    from app.kernel.enums import DeviceKind
    from app.models.engine import make_engine, upgrade
    from app.services.data import ClientData, DeviceData
    from app.services.facade import Services

    rng = random.Random(args.seed)
    tmp = tempfile.TemporaryDirectory(prefix="appleuse-crash-")
    url = args.db or f"sqlite:///{Path(tmp.name) / 'crash.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    services = Services.create(engine)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    advisor = services.clients.create_advisor(f"Asesor de prueba {stamp}").id
    client = services.clients.create_client(ClientData("Cliente de prueba", city="Xalapa")).id
    device = services.clients.add_device(client, DeviceData(DeviceKind.MAC, "MacBook Air")).id
    shown = engine.url.render_as_string(hide_password=True)
    engine.dispose()

    checker = Checker(url, advisor)
    all_acks = Acks()
    lost: Counter[str] = Counter()
    problems: Counter[str] = Counter()
    problem_trials: Counter[str] = Counter()
    integrity: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    inflight: Counter[str] = Counter()
    inflight_committed: Counter[str] = Counter()
    child_errors: list[str] = []
    startup: list[float] = []
    kill_modes: Counter[str] = Counter()
    began = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for trial in range(1, args.trials + 1):
        from_spawn = rng.random() < args.startup_share
        estimate = sorted(startup)[len(startup) // 2] if startup else 1.2
        lines: list[str] = []
        errors: list[str] = []
        ready = threading.Event()
        ready_at: list[float] = []
        spawned = time.perf_counter()
        proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                url,
                str(advisor),
                str(client),
                str(device),
                str(rng.randrange(2**32)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        readers = [
            threading.Thread(target=_drain, args=(proc.stdout, lines, ready, ready_at)),
            threading.Thread(target=_drain, args=(proc.stderr, errors, threading.Event(), [])),
        ]
        for r in readers:
            r.start()
        if from_spawn:
            kill_modes["from spawn"] += 1
            delay = rng.uniform(0, estimate * 1000 + args.max_ms) / 1000
            time.sleep(max(0.0, spawned + delay - time.perf_counter()))
        else:
            kill_modes["after ready"] += 1
            while not ready.wait(0.05):
                if proc.poll() is not None or time.perf_counter() - spawned > 120:
                    break
            time.sleep(rng.uniform(0, args.max_ms) / 1000)
        exited_before = proc.poll() is not None
        if not exited_before:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        for r in readers:
            r.join()
        if ready_at:
            startup.append(ready_at[0] - spawned)
        acks, phase, last = parse(lines)
        if exited_before:
            phase = "exited before the kill"
            child_errors.append(
                f"trial {trial}: exit {proc.returncode}: " + " | ".join(errors[-3:] or lines[-2:])
            )
        elif any(e.startswith("Traceback") for e in errors):
            child_errors.append(f"trial {trial}: " + " | ".join(errors[-3:]))
        phases[phase] += 1
        trial_lost, trial_problems, result, committed = checker.check(acks, last)
        if last and last[0] == "begin" and last[1] in KINDS and not exited_before:
            inflight[last[1]] += 1
            inflight_committed[last[1]] += committed
        all_acks.extend(acks)
        lost.update(trial_lost)
        problems.update(trial_problems)
        for name, n in trial_problems.items():
            problem_trials[name] += n > 0
        integrity[result] += 1
        bad = (
            sum(trial_lost.values())
            + sum(trial_problems.values())
            + (result not in ("ok", "n/a (server)"))
        )
        if not args.quiet and (bad or trial % 100 == 0):
            print(
                f"  trial {trial}: {time.perf_counter() - began:7.1f} s, "
                f"acks so far {sum(all_acks.counts().values())}, "
                f"lost {sum(lost.values())}, problems {sum(problems.values())}"
                + (
                    f"  <-- trial lost {dict(trial_lost)} {dict(+trial_problems)} {result}"
                    if bad
                    else ""
                ),
                flush=True,
            )
    elapsed = time.perf_counter() - began

    # every acknowledgement of every trial, once more, on the final database
    final_lost, final_problems, final_integrity, _ = checker.check(all_acks, [])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    engine = make_engine(url)
    with engine.connect() as conn:
        from sqlalchemy import text

        totals = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("sessions", "session_events", "receipts", "payments")
        }
        running = conn.execute(
            text("SELECT count(*) FROM sessions WHERE advisor_id = :a AND ended_at IS NULL"),
            {"a": advisor},
        ).scalar()
    engine.dispose()

    def fmt(counter: Counter[str] | dict[str, int]) -> str:
        return ", ".join(f"{k} {counter.get(k, 0)}" for k in KINDS)

    ack_counts = all_acks.counts()
    print(f"database:                 {shown}")
    modes = ", ".join(f"{k} {v}" for k, v in kill_modes.items())
    median = sorted(startup)[len(startup) // 2] if startup else 0.0
    print(
        f"trials:                   {args.trials} ({modes}; after-ready window "
        f"0–{args.max_ms:.0f} ms, from-spawn window 0–{median * 1000 + args.max_ms:.0f} ms)"
    )
    if startup:
        s = sorted(startup)
        print(
            f"child start-up to ready:  median {s[len(s) // 2] * 1000:.0f} ms, "
            f"max {s[-1] * 1000:.0f} ms"
        )
    print("killed while:             " + ", ".join(f"{k} {v}" for k, v in phases.most_common()))
    print(
        "in flight at the kill:    "
        + ", ".join(f"{k} {inflight[k]} (committed anyway {inflight_committed[k]})" for k in KINDS)
    )
    print(f"acknowledged:             {sum(ack_counts.values())} — {fmt(ack_counts)}")
    print(f"lost (checked per trial): {sum(lost.values())} — {fmt(lost)}")
    print(f"lost (final re-check):    {sum(final_lost.values())} — {fmt(final_lost)}")
    print(
        "stored at the end:        "
        + ", ".join(f"{k} {v}" for k, v in totals.items())
        + f"; running sessions of the advisor {running}"
    )
    names = sorted(set(problems) | set(final_problems))
    print(
        "invariant failures:       "
        + (
            ", ".join(
                f"{n}: {problem_trials[n]} trials / final {final_problems[n]}"
                for n in names
                if problem_trials[n] or final_problems[n]
            )
            or "none"
        )
    )
    failures = sum(v for k, v in integrity.items() if k not in ("ok", "n/a (server)"))
    print(
        f"integrity failures:       {failures} "
        f"(integrity_check: {', '.join(f'{k} × {v}' for k, v in integrity.items())}; "
        f"final {final_integrity})"
    )
    print(f"child errors:             {len(child_errors)}")
    for line in child_errors[:5]:
        print(f"    {line[:300]}")
    per_trial = elapsed / max(1, args.trials) * 1000
    print(f"elapsed:                  {elapsed:.1f} s ({per_trial:.0f} ms per trial)")
    print(f"CPU of the children:      user {usage.ru_utime:.1f} s, system {usage.ru_stime:.1f} s")
    tmp.cleanup()
    healthy = (
        not failures
        and final_integrity in ("ok", "n/a (server)")
        and not sum(lost.values()) + sum(final_lost.values())
        and not sum(problems.values()) + sum(final_problems.values())
        and not child_errors
    )
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
