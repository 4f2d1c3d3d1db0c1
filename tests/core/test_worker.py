"""`samverkan worker` and the schedule of periodic jobs."""

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from samverkan.core import schedule
from samverkan.core.schedule import SCHEDULE, enqueue_scheduled, scheduler_start

SCRIPT = Path(sys.executable).parent / "samverkan"
# What a deployment has: its own database and settings, nothing of pytest's.
LEFT_OUT = {
    "DEBUG",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "PYTEST_VERSION",
    "PYTEST_CURRENT_TEST",
    "SAMVERKAN_DEMO",
    "TASKS_BACKEND",
}


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    return env | {
        "SAMVERKAN_DATA_DIR": str(data_dir),
        "SECRET_KEY": "worker-test-key",
        "PYTHONUNBUFFERED": "1",
    }


def _status(database: Path, task_id: str) -> str | None:
    with sqlite3.connect(database, timeout=5) as connection:
        row = connection.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
            [task_id.replace("-", "")],
        ).fetchone()
    return row[0] if row else None


def test_it_runs_a_queued_task_and_stops_cleanly_on_sigterm(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = _env(data_dir)
    subprocess.run([SCRIPT, "migrate", "-v0"], env=env, check=True, timeout=60)
    worker = subprocess.Popen(
        [SCRIPT, "worker", "--interval", "0.1", "--no-startup-delay"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        enqueued = subprocess.run(
            [
                SCRIPT,
                "shell",
                "-v0",
                "-c",
                "from samverkan.plans.tasks import send_follow_up_reminders as task; "
                "print(task.enqueue().id)",
            ],
            env=env,
            check=True,
            timeout=30,
            capture_output=True,
            text=True,
        )
        task_id = enqueued.stdout.strip().splitlines()[-1]

        deadline = time.monotonic() + 20
        while (status := _status(data_dir / "samverkan.sqlite3", task_id)) != "SUCCESSFUL":
            assert status in {"READY", "RUNNING", None}, status
            assert worker.poll() is None, worker.stdout.read()
            assert time.monotonic() < deadline, f"task still {status} after 20 s"
            time.sleep(0.1)

        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert worker.returncode == 0, output
    assert "Schemalagt: samverkan.plans.tasks.send_follow_up_reminders" in output
    assert f"Task id={task_id} path=samverkan.plans.tasks.send_follow_up_reminders" in output
    assert "state=SUCCESSFUL" in output
    assert "Workern har stoppats." in output


def test_it_schedules_the_reminders_at_seven_in_stockholm():
    scheduler = scheduler_start()
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {path for _, path in SCHEDULE}
        job = jobs["samverkan.plans.tasks.send_follow_up_reminders"]
        at = job.trigger.get_next_fire_time(
            None, dt.datetime(2026, 3, 29, 12, tzinfo=ZoneInfo("Europe/Stockholm"))
        )
        # The day after the switch to summer time, still 07:00 on the wall clock.
        assert at.astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None) == dt.datetime(
            2026, 3, 30, 7
        )
    finally:
        scheduler.shutdown(wait=False)


def test_every_scheduled_job_is_a_task():
    from django.utils.module_loading import import_string
    from django_tasks.base import Task

    assert SCHEDULE
    for _crontab, path in SCHEDULE:
        assert isinstance(import_string(path), Task), path


def test_the_scheduler_enqueues_the_task_for_a_worker_rather_than_running_it(
    db, settings, monkeypatch, mailoutbox
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # Closing connections, right in a worker thread, would close the test's transaction.
    monkeypatch.setattr(schedule, "close_old_connections", lambda: None)

    enqueue_scheduled("samverkan.plans.tasks.send_follow_up_reminders")

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "samverkan.plans.tasks.send_follow_up_reminders"
    assert queued.status == "READY"
    assert mailoutbox == []
