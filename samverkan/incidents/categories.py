"""The EST taxonomy every installation starts with (docs/incidents.md); editable in the admin.

(slug, name, parent slug). Klotter is a kind of skadegörelse (sanering costs are counted
together); the others are top-level. Migration 0002 holds a frozen copy of this list.
"""

EST_CATEGORIES = [
    ("skadegorelse", "Skadegörelse", None),
    ("klotter", "Klotter", "skadegorelse"),
    ("nedskrapning", "Nedskräpning", None),
    ("tillhall", "Tillhåll/otrygghetsskapande samling", None),
    ("ordningsstorning", "Ordningsstörning", None),
    ("brand", "Brand/anlagd brand", None),
    ("narkotika", "Misstänkt narkotikahantering", None),
    ("vald", "Våld/misshandel", None),
    ("ran", "Rån", None),
    ("inbrott", "Inbrott", None),
    ("hot-mot-anstalld", "Hot/incident mot anställd", None),
    ("buskorning", "Buskörning/olovlig trafik", None),
    ("otrygg-plats", "Otrygg plats (belysning, skymd sikt, ödslig)", None),
    ("ryktesspridning", "Ryktesspridning sociala medier", None),
    ("arrangemang", "Arrangemang (planerat)", None),
    ("ovrigt", "Övrigt", None),
]

# Categories for the common Polisen types that no EST category fits (docs/polisen.md):
# (slug, name, parent slug, position among the EST categories' 10, 20, …). Migration 0011
# holds a frozen copy of this list and of the type mapping that uses them.
SOURCE_CATEGORIES = [
    ("stold", "Stöld", None, 105),
    ("bedrageri", "Bedrägeri", None, 107),
    ("hot", "Olaga hot", None, 112),
    ("trafik", "Trafikolycka/trafikbrott", None, 125),
]
