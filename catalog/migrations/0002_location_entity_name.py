from django.db import migrations, models

from catalog.model.refs import generated_location_name


def name_existing(apps, schema_editor):
    Location = apps.get_model("catalog", "Location")
    for location in Location.objects.all().only("id", "type", "target"):
        location.entity_name = generated_location_name(location.type, location.target)
        location.save(update_fields=["entity_name"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="location",
            name="entity_name",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(name_existing, migrations.RunPython.noop),
    ]
