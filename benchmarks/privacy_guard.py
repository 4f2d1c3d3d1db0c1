"""The privacy guard's recall and false alarms on a corpus of Swedish report texts.

The corpus (tests/core/privacy_corpus.py) holds texts with one identifier each, of every kind
the guard knows and in the spellings people write (ABC123, ABC 123, ABC-123, abc 123, ABC12A;
personnummer with and without century and hyphen; phone numbers national and +46; e-mail), and
clean texts full of times, dates, counts, addresses and codes. Printed: per kind, the share of
identifiers found (the whole identifier refused), and the share of clean texts the
guard would refuse, with the texts it refused. Goal: at least 99 % found of every kind and at
most 1 % of clean texts refused.

    python benchmarks/privacy_guard.py [--per-kind 400] [--clean 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from samverkan.core.privacy import find_personal_data  # noqa: E402
from tests.core.privacy_corpus import clean_texts, identifier_texts  # noqa: E402


def found(text: str, value: str) -> bool:
    """The whole identifier is refused (a phone number that is also a valid personnummer is
    refused as a personnummer: found all the same)."""
    return any(f.text == value for f in find_personal_data(text))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-kind", type=int, default=400)
    parser.add_argument("--clean", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    texts = identifier_texts(args.per_kind, args.seed)
    clean = clean_texts(args.clean, args.seed)
    start = time.perf_counter()
    hits, totals, missed = Counter(), Counter(), []
    for text, kind, value in texts:
        totals[kind] += 1
        if found(text, value):
            hits[kind] += 1
        else:
            missed.append(text)
    refused = [text for text in clean if find_personal_data(text)]
    elapsed = time.perf_counter() - start
    print(f"{len(texts)} texts with an identifier, {len(clean)} clean texts, seed {args.seed}")
    for kind in totals:
        print(
            f"  {kind:<20} {hits[kind]:>4} of {totals[kind]} found ({hits[kind] / totals[kind]:.1%})"
        )
    print(
        f"  clean texts refused  {len(refused)} of {len(clean)} ({len(refused) / len(clean):.1%})"
    )
    print(f"  {elapsed * 1000 / (len(texts) + len(clean)):.3f} ms per text")
    for text in missed[:10]:
        print("  missed:", text)
    for text in refused[:10]:
        print("  refused:", text, [f.text for f in find_personal_data(text)])


if __name__ == "__main__":
    main()
