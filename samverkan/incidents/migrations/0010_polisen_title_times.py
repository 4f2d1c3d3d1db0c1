"""Polisen records imported before published_at existed have the publication time as their
time. Their own day and time are in the stored description (when the notice had no summary,
the description is its name, "22 augusti 17.59, Brand, Luleå") or in the stored address
(".../2026/augusti/22/22-augusti-1759-brand-lulea/"): the time becomes that one, the old time
is kept as published_at. A record with neither keeps its time, marked as publication time.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.db import migrations

# A copy, not an import: a migration must not change when the module does.
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTHS = {
    name: number
    for number, name in enumerate(
        ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
         "september", "oktober", "november", "december"),
        start=1,
    )
}  # fmt: skip
TITLE = re.compile(r"\s*(\d{1,2})\s+([^\W\d_]+)\s+(\d{1,2})[.:](\d{2})(?!\d)")
SLUG = re.compile(r"/(\d{1,2})-([^\W\d_]+)-(\d{1,2})[.:]?(\d{2})-[^/]*/?$")


def title_time(match, published):
    if match is None:
        return None
    day, month, hour, minute = match.groups()
    month = MONTHS.get(month.casefold())
    day, hour, minute = int(day), int(hour), int(minute)
    if month is None or hour > 23 or minute > 59:
        return None
    year = published.astimezone(STOCKHOLM).year
    for candidate in (year + 1, year, year - 1):
        try:
            moment = dt.datetime(candidate, month, day, hour, minute, tzinfo=STOCKHOLM)
        except ValueError:
            continue
        moment = moment.astimezone(dt.UTC)
        if moment <= published + dt.timedelta(days=1):
            return moment
    return None


def retime(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    rows = Incident.objects.filter(source="polisen", published_at__isnull=True).only(
        "pk", "occurred_from", "occurred_to", "time_precision", "description", "source_url"
    )
    batch = []
    for incident in rows.iterator(chunk_size=2000):
        published = incident.occurred_from
        moment = title_time(TITLE.match(incident.description), published) or title_time(
            SLUG.search(incident.source_url), published
        )
        incident.published_at = published
        if moment is None:
            incident.time_precision = "publicerad"
        else:
            incident.occurred_from = incident.occurred_to = moment
            incident.time_precision = "ungefar"
        batch.append(incident)
        if len(batch) >= 2000:
            Incident.objects.bulk_update(
                batch, ["occurred_from", "occurred_to", "time_precision", "published_at"]
            )
            batch = []
    if batch:
        Incident.objects.bulk_update(
            batch, ["occurred_from", "occurred_to", "time_precision", "published_at"]
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0009_published_at")]
    operations = [migrations.RunPython(retime, migrations.RunPython.noop)]
