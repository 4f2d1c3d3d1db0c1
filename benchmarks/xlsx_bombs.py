"""Wall time and peak extra memory of refusing two XLSX bombs (docs/security.md, "Filer som
importeras"): a zip-bomb sheet that unpacks to 1 GB, and a sheet that declares the whole
sheet (A1:XFD1048576, 17 billion cells); and a sheet that declares nothing and holds 6
million cells (stopped at the cell limit while streamed). Each bomb is read in a process of its own with the
installation's default limits; the peak extra memory is the growth of the process's maximum
resident set (`resource.getrusage`) from just before the read. Target: under 30 s and 300 MB.
As a raw baseline, the same process's cost of listing the zip's parts.

    python benchmarks/xlsx_bombs.py
"""

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOMBS = ("zip_bomb", "dimension_bomb", "lying_bomb")


def child(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("SAMVERKAN_DATA_DIR", "/tmp")
    import io
    import zipfile

    import django

    django.setup()
    from samverkan.imports.tabular import FileError, read_table
    from tests.imports import bombs

    if name == "zip_bomb":
        data = bombs.zip_bomb(1024)
    elif name == "dimension_bomb":
        data = bombs.dimension_bomb()
    else:
        data = bombs.many_cells(600_000, 10)
    start = time.perf_counter()
    zipfile.ZipFile(io.BytesIO(data)).infolist()
    raw = time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    try:
        read_table(data)
        message = "LÄSTES (borde ha vägrats)"
    except FileError as error:
        message = str(error)
    wall = time.perf_counter() - start
    extra_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    result = {"bytes": len(data), "wall_s": wall, "raw_s": raw, "extra_mb": extra_kb / 1024}
    print("RESULT " + json.dumps({**result, "message": message}, ensure_ascii=False))


def main() -> None:
    print(f"{'bomb':<16}{'file':>10}{'wall':>10}{'raw list':>10}{'extra mem':>12}  message")
    for name in BOMBS:
        out = subprocess.run(
            [sys.executable, __file__, "--child", name],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{name}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(line[len("RESULT ") :])
        print(
            f"{name:<16}{r['bytes'] / 1024:>8.0f}KB{r['wall_s']:>9.3f}s{r['raw_s']:>9.4f}s"
            f"{r['extra_mb']:>10.1f}MB  {r['message'][:90]}"
        )
    print("target: wall < 30 s, extra memory < 300 MB")


if __name__ == "__main__":
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
    else:
        main()
