from django.db import migrations

# A copy, not an import: a migration must not change when the module does.
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


def seed(apps, schema_editor):
    Category = apps.get_model("incidents", "Category")
    created = {}
    for position, (slug, name, parent) in enumerate(EST_CATEGORIES, start=1):
        created[slug], _ = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "parent": created.get(parent), "position": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
