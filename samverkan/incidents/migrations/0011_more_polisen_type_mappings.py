"""The ordinary Polisen types that 0004 left in *övrigt* (theft, traffic, threats …) get a
category; four categories are added where no EST category fits. Only rows that do not exist
are added: a category or a mapping someone has edited stays as it is."""

from django.db import migrations

# Copies, not imports: a migration must not change when the module does.
CATEGORIES = [
    ("stold", "Stöld", 105),
    ("bedrageri", "Bedrägeri", 107),
    ("hot", "Olaga hot", 112),
    ("trafik", "Trafikolycka/trafikbrott", 125),
]
POLISEN_TYPES = {
    "Stöld": "stold",
    "Stöld ringa": "stold",
    "Stöld, ringa": "stold",
    "Stöld försök": "stold",
    "Stöld, försök": "stold",
    "Motorfordon stöld": "stold",
    "Motorfordon, stöld": "stold",
    "Motorfordon anträffat stulet": "stold",
    "Motorfordon, anträffat stulet": "stold",
    "Häleri": "stold",
    "Bedrägeri": "bedrageri",
    "Förfalskningsbrott": "bedrageri",
    "Olaga hot": "hot",
    "Bombhot": "hot",
    "Våld/hot mot tjänsteman": "hot-mot-anstalld",
    "Trafikolycka": "trafik",
    "Trafikolycka personskada": "trafik",
    "Trafikolycka, personskada": "trafik",
    "Trafikolycka singel": "trafik",
    "Trafikolycka, singel": "trafik",
    "Trafikolycka smitning": "trafik",
    "Trafikolycka, smitning": "trafik",
    "Trafikolycka vilt": "trafik",
    "Trafikolycka, vilt": "trafik",
    "Trafikbrott": "trafik",
    "Rattfylleri": "trafik",
    "Olovlig körning": "trafik",
    "Trafikhinder": "trafik",
    "Våldtäkt": "vald",
    "Våldtäkt, försök": "vald",
    "Våldtäkt försök": "vald",
    "Sexualbrott": "vald",
    "Sedlighetsbrott": "vald",
    "Olaga frihetsberövande": "vald",
    "Detonation": "vald",
    "Vapenlag": "vald",
    "Knivlagen": "vald",
    "Olaga intrång": "inbrott",
    "Olaga intrång/hemfridsbrott": "inbrott",
    "Alkohollagen": "ordningsstorning",
}


def seed(apps, schema_editor):
    Category = apps.get_model("incidents", "Category")
    SourceTypeMapping = apps.get_model("incidents", "SourceTypeMapping")
    for slug, name, position in CATEGORIES:
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})
    categories = dict(Category.objects.values_list("slug", "pk"))
    existing = set(
        SourceTypeMapping.objects.filter(source="polisen").values_list("source_type", flat=True)
    )
    SourceTypeMapping.objects.bulk_create(
        SourceTypeMapping(source="polisen", source_type=source_type, category_id=categories[slug])
        for source_type, slug in POLISEN_TYPES.items()
        if source_type not in existing and slug in categories
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_polisen_title_times")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
