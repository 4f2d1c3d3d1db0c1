"""The management commands: create_token, and demo both in-process and as the installed
`samverkan` script a new user runs first."""

import io
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from samverkan.core.models import APIToken, User
from samverkan.organisations.models import Group, Membership, Organisation
from samverkan.plans.models import Agreement, Commitment, FollowUp, Goal, Plan, Section

# --- create_token --------------------------------------------------------------------------


def test_it_prints_a_token_that_authenticates_against_the_api(client, coordinator, lulea_plan):
    out = io.StringIO()
    call_command("create_token", "samordnare", "--name", "uppföljningsskript", stdout=out)
    token = out.getvalue().strip()

    assert token.startswith("sv_")
    assert APIToken.objects.get(user=coordinator).name == "uppföljningsskript"
    response = client.get("/api/plans", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [lulea_plan.pk]


def test_it_stores_only_a_hash_of_the_token(coordinator):
    out = io.StringIO()
    call_command("create_token", "samordnare", stdout=out)
    token = out.getvalue().strip()
    stored = APIToken.objects.get(user=coordinator)
    assert token not in (stored.key_hash, stored.prefix)
    assert stored.key_hash == APIToken.hash(token)


@pytest.mark.parametrize("username", ["nobody", "lasare-inaktiv"])
def test_it_refuses_an_unknown_or_inactive_user_in_swedish(reader, username):
    User.objects.filter(pk=reader.pk).update(username="lasare-inaktiv", is_active=False)
    with pytest.raises(CommandError, match=f"Det finns ingen aktiv användare '{username}'"):
        call_command("create_token", username, stdout=io.StringIO())
    assert APIToken.objects.count() == 0


# --- demo, in process ----------------------------------------------------------------------

DEMO_MODELS = [
    Organisation,
    Agreement,
    Group,
    Membership,
    User,
    Plan,
    Section,
    Goal,
    Commitment,
    FollowUp,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


@pytest.fixture
def data_dir(tmp_path, settings):
    # The demo writes its static files and data under DATA_DIR; keep both in tmp_path.
    settings.DATA_DIR = tmp_path / "data"
    settings.STATIC_ROOT = tmp_path / "data" / "static"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.DATA_DIR


def test_it_loads_the_demo_without_serving(db, data_dir):
    out = io.StringIO()
    call_command("demo", no_serve=True, stdout=out)

    text = out.getvalue()
    assert f"Datakatalog: {data_dir}" in text
    assert "Samverkan körs på http://localhost:8000/" in text
    assert "Demoinloggningar (lösenord för alla: samverkan):" in text
    assert re.search(r"^  samordnare +Samordnare/beredning, Kommunstaben$", text, re.M)
    assert "Avsluta med Ctrl+C." not in text
    assert (data_dir / "static" / "samverkan" / "site.css").exists()
    counts = _counts()
    # Boden's plan, Luleå's 2020–2021 plan and one yearly version for every year since.
    years_since = timezone.localdate().year - 2020
    assert counts["Plan"] == 2 + years_since
    assert counts["User"] == 7
    current = Plan.objects.get(previous__isnull=False, status=Plan.Status.DECIDED)
    assert current.period_start.year == timezone.localdate().year
    # Five follow-ups of 2020 and four per tertial of this year so far (at most two).
    assert counts["FollowUp"] in (5 + 4, 5 + 8)
    assert FollowUp.objects.filter(commitment__section__plan=current).count() == (
        counts["FollowUp"] - 5
    )
    assert User.objects.get(username="samordnare").check_password("samverkan")


def test_it_loads_the_demo_twice_without_duplicating_anything(db, data_dir):
    call_command("demo", no_serve=True, stdout=io.StringIO())
    first = _counts()

    call_command("demo", no_serve=True, stdout=io.StringIO())

    assert _counts() == first


def test_it_keeps_a_changed_demo_password_when_run_again(db, data_dir):
    call_command("demo", no_serve=True, stdout=io.StringIO())
    user = User.objects.get(username="samordnare")
    user.set_password("ett annat lösenord")
    user.save()

    call_command("demo", no_serve=True, stdout=io.StringIO())

    assert User.objects.get(username="samordnare").check_password("ett annat lösenord")


# --- demo, as a new user runs it ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


START_BUDGET = 300  # the demo loads six years of reports first


def _fetch(url: str, deadline: float) -> tuple[int, str, bytes]:
    """GET url, retrying while the server is still starting."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _booted(output: list[str]) -> set[int]:
    """The pids gunicorn says it booted web processes with."""
    return {
        int(m.group(1))
        for line in output
        for m in [re.search(r"Booting worker with pid: (\d+)", line)]
        if m
    }


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rpartition(")")[2].split()[1])


def test_it_serves_the_demo_from_the_samverkan_script(tmp_path):
    script = Path(sys.executable).parent / "samverkan"
    port = _free_port()
    # What a new user has: no SECRET_KEY, no DEBUG, nothing of pytest's.
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DATABASE_URL",
            "STATIC_ROOT",
            "MEDIA_ROOT",
            "SAMVERKAN_DEMO",
            "DJANGO_SETTINGS_MODULE",
            "PYTEST_VERSION",
            "PYTEST_CURRENT_TEST",
        }
    }
    env |= {
        "SAMVERKAN_DATA_DIR": str(tmp_path / "data"),
        "PYTHONUNBUFFERED": "1",
        "SAMVERKAN_WEB_WORKERS": "2",
        # The package of this checkout, wherever the script was installed from.
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    process = subprocess.Popen(
        [str(script), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    # A guard against a hang, not a speed target (benchmarks measure speed): generous enough
    # for a loaded CI machine that runs the SQLite and PostgreSQL suites side by side.
    deadline = time.monotonic() + START_BUDGET
    try:
        url = None
        while url is None:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no URL within {START_BUDGET} s:\n" + "".join(output))
            output.append(line)
            if match := re.search(r"Samverkan körs på (http://\S+/)", line):
                url = match.group(1)
            assert process.poll() is None or not lines.empty(), "".join(output)
        assert url == f"http://localhost:{port}/"

        status, content_type, body = _fetch(url + "login/", deadline)
        assert status == 200
        assert content_type.startswith("text/html")
        login = body.decode()
        assert "<h1>Logga in</h1>" in login

        # Whitenoise serves the stylesheet under its hashed, cacheable name.
        css = re.search(r'href="(/static/samverkan/site\.[0-9a-f]{12}\.css)"', login)
        assert css, "no hashed stylesheet in the login page"
        status, content_type, body = _fetch(url.rstrip("/") + css.group(1), deadline)
        assert status == 200
        assert content_type.startswith("text/css")
        assert b"Samverkan" in body

        # Several web processes (gunicorn), each forked from the demo, beside the worker.
        while len(_booted(output)) < 2:
            try:
                output.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"not two web processes within {START_BUDGET} s:\n" + "".join(output))
        web = _booted(output)
        assert len(web) == 2 and process.pid not in web
        assert all(_parent(pid) == process.pid for pid in web)
        assert "Webbservern: gunicorn med 2 processer" in "".join(output)

        assert (tmp_path / "data" / "secret_key").exists()
        assert (tmp_path / "data" / "samverkan.sqlite3").exists()

        # The worker runs beside the web server, and stopping the demo stops both.
        while not any("Starting worker" in line for line in output):
            try:
                output.append(lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail(f"no worker within {START_BUDGET} s:\n" + "".join(output))
        process.terminate()
        assert process.wait(timeout=30) == 0
        reader.join(timeout=10)
        while not lines.empty():
            output.append(lines.get())
        text = "".join(output)
        assert "Startar bakgrundsjobben (samverkan worker)" in text
        assert "Workern har stoppats." in text
        assert "Webbserver och worker har stoppats." in text
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
