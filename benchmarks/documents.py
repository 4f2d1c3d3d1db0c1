"""How long each document kind takes to make from the demo (target: under 10 s each).

    python benchmarks/documents.py [--repeat 5] [--keep DIR]

Loads the Luleå demo (with its closed EST week) into a throwaway SQLite database in a
temporary data directory (or DATABASE_URL), then, for each kind and format, prints the
median wall time of `reports.services.build` as the samordnare (content, charts and
rendering, the same call the worker and the command make) split into building the content
and rendering it, next to a raw baseline: the Typst compiler on a one-page document with the
same template, which is the floor every PDF pays. With --keep the files are written to DIR,
and every PDF's pages as PNG at 50 dpi (pdftoppm) for looking at.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SAMVERKAN_DATA_DIR", tempfile.mkdtemp(prefix="samverkan-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

CASES = [
    ("verksamhetsplan", "pdf", {}),
    ("verksamhetsplan", "docx", {}),
    ("est-vecka", "pdf", {}),
    ("uppfoljning", "pdf", {}),  # the current plan's latest tertial
    ("uppfoljning", "xlsx", {}),
    ("lagesbild", "pdf", {}),
    ("lagesbild", "docx", {}),
    ("lag-2023-196", "pdf", {}),
    ("lag-2023-196", "docx", {}),
    ("andts-handlingsplan", "pdf", {}),
    ("andts-handlingsplan", "docx", {}),
    ("samverkansinventering", "pdf", {}),
    ("samverkansinventering", "docx", {}),
]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", default="")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from samverkan.core.models import User
    from samverkan.demo.load import load_demo
    from samverkan.plans.models import Agreement
    from samverkan.reports import services
    from samverkan.reports.charts import render_figures
    from samverkan.reports.content import Content, Paragraph
    from samverkan.reports.kinds import get_kind, parse_parameters
    from samverkan.reports.render_typst import render_pdf

    load_demo()
    user = User.objects.select_related("organisation").get(username="samordnare")
    agreement = Agreement.objects.get(slug="lulea-polisen-2020-2023")
    keep = Path(args.keep) if args.keep else None
    if keep:
        keep.mkdir(parents=True, exist_ok=True)

    floor = Content(title="Baslinje", subtitle="Typst", classification="intern", cover=[])
    floor.add(Paragraph("En sida."))
    baseline, _pdf = timed(lambda: render_pdf(floor), args.repeat)
    print(f"raw baseline: Typst, one-page document with the same template: {baseline:.2f} s")
    print(f"{'kind':<22} {'format':<6} {'content':>9} {'render':>9} {'total':>9}  size")
    for kind, fmt, parameters in CASES:
        spec = get_kind(kind)
        params = parse_parameters(parameters)

        def content_only(spec=spec, params=params):
            content = spec.build(user, agreement, params)
            render_figures(content)
            return content

        content_time, content = timed(content_only, args.repeat)
        render_time, _data = timed(lambda c=content, f=fmt: services.RENDERERS[f](c), args.repeat)
        total, built = timed(
            lambda k=kind, f=fmt, p=parameters: services.build(
                user=user, agreement=agreement, kind=k, fmt=f, parameters=p
            ),
            args.repeat,
        )
        flag = "" if total < 10 else "  OVER 10 s"
        print(
            f"{kind:<22} {fmt:<6} {content_time:>8.2f}s {render_time:>8.2f}s {total:>8.2f}s"
            f"  {len(built.data) // 1024} kB, median of {args.repeat}{flag}"
        )
        if keep:
            path = keep / f"{kind}.{fmt}"
            path.write_bytes(built.data)
            if fmt == "pdf":
                subprocess.run(
                    ["pdftoppm", "-r", "50", "-png", str(path), str(keep / kind)], check=False
                )


if __name__ == "__main__":
    main()
