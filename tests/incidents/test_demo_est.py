import datetime as dt

from django.utils import timezone

from samverkan.demo.load import load_demo
from samverkan.est.models import Action, AreaRating, PlannedEvent, WeekMeeting, WeekNote
from samverkan.est.weekly import weekly_picture


def test_the_demo_holds_a_closed_est_week_with_notes_actions_event_and_priorities(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo()
    meeting = WeekMeeting.objects.get(status=WeekMeeting.Status.CLOSED)
    today = timezone.localdate()
    year, week, _ = (today - dt.timedelta(days=7)).isocalendar()
    assert (meeting.iso_year, meeting.iso_week) == (year, week)
    assert meeting.decisions and meeting.snapshot["decisions"] == meeting.decisions
    # The snapshot is the picture as it was computed for that week.
    picture = weekly_picture(meeting.agreement, year, week).as_dict()
    stored = meeting.snapshot["picture"]
    assert stored["total"] == picture["total"] > 0
    assert stored["cells"] == picture["cells"]
    assert WeekNote.objects.filter(meeting=meeting).count() == 2
    assert Action.objects.count() == 3
    overdue = [
        a for a in Action.objects.all() if a.due_date < today and a.status not in Action.CLOSED
    ]
    assert len(overdue) == 1
    assert PlannedEvent.objects.count() == 1
    assert AreaRating.objects.filter(prioritised=True).count() == 3
    # Texts are marked synthetic, and loading again adds nothing.
    assert all(a.what.startswith("[Syntetisk]") for a in Action.objects.all())
    load_demo()
    assert (WeekMeeting.objects.count(), Action.objects.count()) == (1, 3)
