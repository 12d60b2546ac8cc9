"""``app.lean_imports``: asyncio without ssl, hashlib without OpenSSL, and everything still
works afterwards.

Each check runs in a fresh interpreter: the test process itself has asyncio and ssl loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

AFTER = """
import sys
from app.lean_imports import asyncio_without_ssl
asyncio_without_ssl()
import asyncio, asyncio.base_events, asyncio.sslproto
assert asyncio.base_events.ssl is None and asyncio.sslproto.ssl is None
assert "ssl" not in sys.modules, "ssl was loaded"
from sqlalchemy import create_engine, text  # SQLAlchemy imports asyncio: already there
import sqlalchemy.orm
assert "ssl" not in sys.modules, "SQLAlchemy loaded ssl"
from app.models.engine import make_engine
for url in sys.argv[1:]:
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
asyncio.run(asyncio.sleep(0))  # an event loop still runs (without TLS transports)
import ssl  # the block is gone: the real module loads
assert ssl.create_default_context().verify_mode == ssl.CERT_REQUIRED
print("ok")
"""


def run(code: str, *args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_asyncio_binds_no_ssl_and_ssl_still_imports_afterwards(tmp_path: Path) -> None:
    assert run(AFTER, f"sqlite:///{tmp_path / 'x.sqlite3'}") == "ok"


@pytest.mark.skipif(not os.environ.get("APPLEUSE_TEST_PG"), reason="APPLEUSE_TEST_PG not set")
def test_postgresql_still_connects() -> None:
    assert run(AFTER, os.environ["APPLEUSE_TEST_PG"]) == "ok"


def test_nothing_changes_once_asyncio_or_ssl_is_loaded() -> None:
    code = """
    import sys, ssl, asyncio, asyncio.base_events
    from app.lean_imports import asyncio_without_ssl
    asyncio_without_ssl()
    assert sys.modules["ssl"] is ssl and asyncio.base_events.ssl is ssl
    print("ok")
    """
    assert run(code) == "ok"
    code = """
    import sys, ssl
    from app.lean_imports import asyncio_without_ssl
    asyncio_without_ssl()
    import asyncio.base_events
    assert asyncio.base_events.ssl is ssl
    print("ok")
    """
    assert run(code) == "ok"


def test_a_failing_asyncio_import_leaves_no_block() -> None:
    code = """
    import sys
    sys.modules["asyncio.base_events"] = None  # asyncio's own import then fails
    from app.lean_imports import asyncio_without_ssl
    try:
        asyncio_without_ssl()
    except ImportError:
        pass
    else:
        raise AssertionError("asyncio imported")
    assert "ssl" not in sys.modules
    import ssl
    print("ok")
    """
    assert run(code) == "ok"


HASHES = """
import sys
from app.lean_imports import hashlib_without_openssl
hashlib_without_openssl()
import hashlib
assert "_hashlib" not in sys.modules, "OpenSSL's hashes were loaded"
# CPython's own hashes: the same digests
assert hashlib.md5(b"abc").hexdigest() == "900150983cd24fb0d6963f7d28e17f72"
assert hashlib.sha1(b"abc").hexdigest() == "a9993e364706816aba3e25717850c26c9cd0d89d"
assert hashlib.sha256(b"abc").hexdigest().startswith("ba7816bf8f01cfea414140de5dae2223")
assert hashlib.md5(b"x", usedforsecurity=False).digest() == hashlib.new("md5", b"x").digest()
from app.lean_imports import asyncio_without_ssl
asyncio_without_ssl()
import sqlalchemy.orm
from sqlalchemy import text
from app.models.engine import make_engine
for url in sys.argv[1:]:
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()
from sqlalchemy.util import md5_hex  # what shortens SQLAlchemy's long labels
assert md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72"
assert "_hashlib" not in sys.modules, "SQLAlchemy loaded OpenSSL's hashes"
import _hashlib  # the block is gone: OpenSSL's module loads for whoever asks
import hmac
assert hmac.new(b"k", b"m", "sha256").hexdigest().startswith("b60090e3")
print("ok")
"""


def test_hashlib_has_its_own_hashes_and_openssl_still_imports_afterwards(tmp_path: Path) -> None:
    assert run(HASHES, f"sqlite:///{tmp_path / 'x.sqlite3'}") == "ok"


@pytest.mark.skipif(not os.environ.get("APPLEUSE_TEST_PG"), reason="APPLEUSE_TEST_PG not set")
def test_postgresql_still_connects_without_openssl_hashes() -> None:
    code = HASHES.replace('assert "_hashlib" not in sys.modules, "SQLAlchemy', "# (libpq: ")
    assert run(code, os.environ["APPLEUSE_TEST_PG"]) == "ok"


def test_nothing_changes_once_hashlib_or_openssl_is_loaded() -> None:
    code = """
    import sys, _hashlib
    from app.lean_imports import hashlib_without_openssl
    hashlib_without_openssl()
    import hashlib
    assert hashlib.sha1 is _hashlib.openssl_sha1
    print("ok")
    """
    assert run(code) == "ok"


def test_a_python_without_its_own_md5_keeps_openssl_hashes() -> None:
    code = """
    import sys
    sys.modules["_md5"] = None  # as a Python built to hash with OpenSSL alone
    from app.lean_imports import hashlib_without_openssl
    hashlib_without_openssl()
    import hashlib
    assert "_hashlib" in sys.modules
    assert hashlib.md5(b"abc").hexdigest() == "900150983cd24fb0d6963f7d28e17f72"
    print("ok")
    """
    assert run(code) == "ok"


def test_the_window_opens_a_sqlite_file_without_openssl(tmp_path: Path) -> None:
    """The real start-up (the composition root, here and now): neither ``ssl`` nor OpenSSL's
    hashes are loaded once the window is filled."""
    code = """
    import os, sys
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):  # settings and locks: the test's own
        os.environ[name] = os.path.join(sys.argv[2], name)
    from app.bootstrap import run
    window = run([], exec=False, db_url=sys.argv[1], advisor_name="Ana")
    assert window.services is not None
    loaded = sorted(m for m in ("ssl", "_ssl", "_hashlib") if m in sys.modules)
    print("loaded:", loaded)
    """
    assert run(code, f"sqlite:///{tmp_path / 'x.sqlite3'}", str(tmp_path)) == "loaded: []"
