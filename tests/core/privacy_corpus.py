"""A corpus of Swedish report texts for measuring the privacy guard (samverkan.core.privacy).

Written for the guard, not taken from real reports: sentences of the kind reporters write about
places and situations (EST, Open311, imported rows), in which an identifier of a known kind is
written in one of the spellings people use, and as many clean sentences that hold what the
guard must leave alone (times, dates, counts, ranges, addresses, postcodes, codes, money,
organisation numbers, ordinary words in front of numbers).

``identifier_texts(n)`` gives (text, kind, identifier) triples, ``clean_texts(n)`` plain texts;
both are deterministic for a seed. tests/core/test_privacy.py holds the guard to its targets on
them and ``benchmarks/privacy_guard.py`` prints the figures.
"""

from __future__ import annotations

import datetime as dt
import random

from samverkan.core.privacy import luhn_check_digit

PLACES = [
    "Storgatan", "Smedjegatan", "Skurholmsvägen", "busstorget", "Coop Hertsön", "Kulturens hus",
    "Stadsparken", "gångtunneln vid Bergnäset", "återvinningsstationen på Porsön",
    "parkeringen vid Shopping", "skolgården i Björkskatan", "Lulebos tvättstuga", "Residensparken",
    "badhuset", "Gültzauudden", "tågstationen", "Sunderbyns centrum", "idrottshallen i Gammelstad",
]  # fmt: skip

# {x} is the identifier; {p} a place.
TEMPLATES = {
    "registreringsnummer": [
        "Bil {x} stod parkerad vid {p} hela natten.",
        "En moped med reg.nr {x} körde på gångvägen vid {p}.",
        "Vittne såg {x} lämna platsen vid {p} kl 23.15.",
        "{x} har stått övergiven vid {p} i två veckor.",
        "Fordonet ({x}) brann ut på {p}.",
        "Anmälan gäller bil {x}, skadegörelse på lacken, {p}.",
        "Bilen med registreringsnummer {x} kördes vårdslöst runt {p}.",
        "Buskörning med en vit Volvo, {x}, på {p} efter midnatt.",
        "Reg {x} syntes flera kvällar i rad vid {p}.",
        "Skåpbil {x} blockerar infarten till {p}.",
        "Ungdomar samlas kring en bil vid {p}, regnr: {x}.",
        "en epa-traktor {x} körde fort förbi {p}",
    ],
    "personnummer": [
        "Den som ringde uppgav personnummer {x} vid {p}.",
        "Ägaren till cykeln vid {p} har pnr {x}.",
        "{x} nämndes i samband med bråket vid {p}.",
        "Skadegörelse vid {p}, anmälare {x}.",
    ],
    "samordningsnummer": [
        "Mannen vid {p} har samordningsnummer {x}.",
        "Uppgiven identitet {x}, händelse vid {p}.",
    ],
    "telefonnummer": [
        "Ring mig på {x} om det händer igen vid {p}.",
        "Kontakt: {x}. Stökigt vid {p} varje fredag.",
        "Fastighetsskötaren vid {p} nås på {x}.",
        "Nedskräpning vid {p}, återkom gärna ({x}).",
    ],
    "e-post": [
        "Skicka svar till {x} om belysningen vid {p}.",
        "Klotter vid {p}; frågor till {x}.",
        "Anmälare: {x}, otrygg plats vid {p}.",
    ],
}

CLEAN = [
    "Oroligt kl 23.00-03.00 varje helg vid {p}.",
    "Stökigt 23:00–03:00 vid {p}.",
    "Händelsen inträffade {date} vid {p}.",
    "Under 2016–2019 ökade skadegörelsen vid {p}.",
    "Området runt {p} har 230-260 brott per år.",
    "{n} % av eleverna känner sig otrygga vid {p}.",
    "Cirka {n} ungdomar samlades och 3 bilar körde runt {p}.",
    "Skadan vid {p} uppskattas till 12 500 kr.",
    "Adressen är {p} 12A, 972 41 Luleå.",
    "Se avsnitt 6.1 i planen; vecka 47 var lugn vid {p}.",
    "Krossad ruta i lgh 1102 på {p}.",
    "Klotter på dörren till rum 123 i skolan vid {p}.",
    "Brand i soprum, hus 12B, {p}.",
    "Linje 4 och buss 23 stannar vid {p}; E4 och RV97 är nära.",
    "Det var {n} personer och 100 000 kr i skador enligt {p}.",
    "Och 230 brott per 100 000 invånare i hela kommunen.",
    "Kommunkod 2580, organisationsnummer 212000-2650, gäller {p}.",
    "Larm till SOS 112 från {p} kl 02.10.",
    "Snöskoter körde på isen vid {p}, ca 120 km/h.",
    "Krossat glas vid {p} den 3 dec 2026 kl. 21:40.",
    "Sal 204 och sal B12 på {p} fick nya lås.",
    "Mellan 0800-1700 är {p} bemannat.",
    "Det var 18 grader kallt; vi var tre vid {p} till 01.30.",
    "Ett 20-tal ungdomar vid {p}, 8 av dem under 15 år.",
    "Belysningen på {p} har varit trasig sedan v. 45 (ärende 2026-1184).",
    "TAB 2020 visar att tryggheten vid {p} ökat med 3,5 procent.",
    "Per 100 invånare anmäls 12 brott vid {p}, mot 9 i riket.",
    "Han 112 ringde ingen, men det var stökigt vid {p}.",
    "Nya 365 kameror? Nej, 36 kameror sitter vid {p}.",
    "Kl 230 0 ... fel i texten, men lugnt vid {p} kl 02.30.",
    "Lokalen vid {p}, plan 2, har 45 platser och öppnar 17.00.",
    "DEC 2020 och SSAB 2020 nämndes i rapporten om {p}.",
    "Bussen gick 22.45 från {p}, tre hållplatser bort.",
    "Vi såg 10-15 personer vid {p} mellan 21-23.",
    "Ärendet har nummer 556677-8899 hos leverantören för {p}.",
]  # fmt: skip

# The letters a plate may carry (never I, Q, V, Å, Ä, Ö).
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"


def plate(rng: random.Random) -> str:
    """A registration number in one of the spellings people write."""
    letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
    digits = f"{rng.randrange(100):02d}"
    last = rng.choice("0123456789" if rng.random() < 0.7 else PLATE_LETTERS)
    sep = rng.choice(["", " ", "-", " ", "", "\u00a0"])
    case = rng.random()
    if case < 0.7:
        letters, last = letters, last
    elif case < 0.9:
        letters, last = letters.lower(), last.lower()
    else:
        letters = letters.capitalize()
    return f"{letters}{sep}{digits}{last}"


def identity_number(rng: random.Random, *, coordination: bool) -> str:
    day = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 72))
    dd = day.day + (60 if coordination else 0)
    date = f"{day:%y%m}{dd:02d}"
    serial = f"{rng.randrange(1000):03d}"
    check = luhn_check_digit(date + serial)
    form = rng.randrange(4)
    if form == 0:
        return f"{date}-{serial}{check}"
    if form == 1:
        return f"{date}{serial}{check}"
    century = str(day.year)[:2]
    return f"{century}{date}-{serial}{check}" if form == 2 else f"{century}{date}{serial}{check}"


def phone(rng: random.Random) -> str:
    mobile = f"7{rng.choice('02369')}"
    a, b, c = rng.randrange(100, 1000), rng.randrange(10, 100), rng.randrange(10, 100)
    return rng.choice(
        [
            f"0{mobile}-{a} {b} {c}",
            f"0{mobile}{a}{b}{c}",
            f"0{mobile} {a} {b} {c}",
            f"+46 {mobile} {a} {b} {c}",
            f"+46{mobile}{a}{b}{c}",
            f"0920-{b} {c} {rng.randrange(10, 100)}",
            f"08-{a} {rng.randrange(100, 1000)} {b}",
            f"0046 {mobile}-{a} {b} {c}",
        ]
    )


FIRST = ["anna", "lars", "maria", "erik", "karin", "johan", "sara", "nils", "eva", "per"]
LAST = ["andersson", "lindqvist", "nilsson", "berg", "stromberg", "lundin", "isaksson"]
DOMAINS = ["lulea.se", "gmail.com", "hotmail.com", "telia.com", "polisen.se", "lulebo.se"]


def email(rng: random.Random) -> str:
    name = rng.choice(
        [
            f"{rng.choice(FIRST)}.{rng.choice(LAST)}",
            f"{rng.choice(FIRST)}{rng.randrange(100)}",
            f"{rng.choice(FIRST)}_{rng.choice(LAST)}",
        ]
    )
    return f"{name}@{rng.choice(DOMAINS)}"


MAKERS = {
    "registreringsnummer": plate,
    "personnummer": lambda rng: identity_number(rng, coordination=False),
    "samordningsnummer": lambda rng: identity_number(rng, coordination=True),
    "telefonnummer": phone,
    "e-post": email,
}


def identifier_texts(n_per_kind: int = 400, seed: int = 1) -> list[tuple[str, str, str]]:
    """(text, kind, identifier): each text holds one identifier of a known kind."""
    rng = random.Random(seed)
    out = []
    for kind, make in MAKERS.items():
        for _ in range(n_per_kind):
            value = make(rng)
            template = rng.choice(TEMPLATES[kind])
            out.append((template.format(x=value, p=rng.choice(PLACES)), kind, value))
    return out


def clean_texts(n: int = 1000, seed: int = 1) -> list[str]:
    """Texts with no personal data that look like report texts full of numbers."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2500))
        date = rng.choice([day.isoformat(), f"{day.day}/{day.month} {day.year}"])
        template = rng.choice(CLEAN)
        out.append(template.format(p=rng.choice(PLACES), n=rng.randrange(2, 99), date=date))
    return out
