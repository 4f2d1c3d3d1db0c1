from django.db import migrations

# Polisen's event types (docs/polisen.md) that have an obvious EST category. A copy, not an
# import: a migration must not change when the module does. Every other type goes to
# "ovrigt" until someone maps it on the type mapping page.
POLISEN_TYPES = {
    "Skadegörelse": "skadegorelse",
    "Brand": "brand",
    "Narkotikabrott": "narkotika",
    "Misshandel": "vald",
    "Misshandel, grov": "vald",
    "Misshandel grov": "vald",
    "Mord/dråp": "vald",
    "Mord/dråp, försök": "vald",
    "Mord/dråp försök": "vald",
    "Skottlossning": "vald",
    "Skottlossning, misstänkt": "vald",
    "Skottlossning misstänkt": "vald",
    "Rån": "ran",
    "Rån väpnat": "ran",
    "Rån övrigt": "ran",
    "Rån, försök": "ran",
    "Rån försök": "ran",
    "Inbrott": "inbrott",
    "Inbrott, försök": "inbrott",
    "Inbrott försök": "inbrott",
    "Stöld/inbrott": "inbrott",
    "Ordningslagen": "ordningsstorning",
    "Bråk": "ordningsstorning",
    "Fylleri/LOB": "ordningsstorning",
    "Ofredande/förargelse": "ordningsstorning",
    "Ofog barn/ungdom": "ordningsstorning",
}


def seed(apps, schema_editor):
    Category = apps.get_model("incidents", "Category")
    SourceTypeMapping = apps.get_model("incidents", "SourceTypeMapping")
    categories = dict(Category.objects.values_list("slug", "pk"))
    for source_type, slug in POLISEN_TYPES.items():
        if slug in categories:
            SourceTypeMapping.objects.get_or_create(
                source="polisen",
                source_type=source_type,
                defaults={"category_id": categories[slug]},
            )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_source_fields_and_type_mapping")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
