"""An archive for the web tests: the real sample, small reports in the BMA form (one with an
OCR-garbled note that repair fixes) and generated reports; and the app over it."""

from __future__ import annotations

import random
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE
from store_reports import DRAIN, SCHOOL, YOTHA, report_text, write

pytest.importorskip("starlette", reason="the web app's extra is not installed: pip install -e '.[web]'")

GARBLED = report_text(
    "50330000-0501", 2567,
    ["อยู่ระหว่างขออนุมัติโครงการ", "อยู่ระหวางจัดซื้อวัสดุการศึกษา", "ดำเนินการเรียบร้อยแลว"],
    name="จัดซื้อวัสดุการศึกษาโรงเรียนวัดทองนพคุณ", agency="สำนักงานเขตคลองสาน / ฝ่ายการศึกษา",
)  # fmt: skip


def build_archive(folder: Path, generated: int = 4) -> Path:
    from bma_nlp.store import Archive
    from bma_nlp.synth import generate_report

    reports = folder / "reports"
    reports.mkdir(parents=True)
    shutil.copy(SAMPLE, reports / SAMPLE.name)
    for name, text in (("yotha.txt", YOTHA), ("school.txt", SCHOOL), ("drain.txt", DRAIN), ("garbled.txt", GARBLED)):
        write(reports / name, text)
    rng = random.Random(12)
    for k in range(generated):
        text, _ = generate_report(random.Random(rng.getrandbits(64)), copies=2, noise=0.3)
        write(reports / f"generated-{k}.txt", text)
    db = folder / "web.db"
    with Archive(db) as archive:
        result = archive.ingest([reports])
        assert not result.errors, result.errors
    return db


@pytest.fixture(scope="session")
def archive_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once; tests that write (corrections) copy it first."""
    return build_archive(tmp_path_factory.mktemp("web-archive"))


@pytest.fixture()
def writable_db(archive_db: Path, tmp_path: Path) -> Path:
    db = tmp_path / "web.db"
    shutil.copy(archive_db, db)
    return db


def client_for(db: Path, read_only: bool = False):  # type: ignore[no-untyped-def]
    from bma_nlp.web import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette's notice about its test client's HTTP library
        from starlette.testclient import TestClient

        return TestClient(create_app(db, read_only=read_only))


@pytest.fixture(scope="session")
def client(archive_db: Path):  # type: ignore[no-untyped-def]
    return client_for(archive_db, read_only=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """The app served by uvicorn on a free local port, in a thread of this process."""

    def __init__(self, db: Path, read_only: bool = False) -> None:
        import uvicorn

        from bma_nlp.web import create_app

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(create_app(db, read_only=read_only), host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture()
def live_server(writable_db: Path) -> Iterator[LiveServer]:
    with LiveServer(writable_db) as server:
        yield server
