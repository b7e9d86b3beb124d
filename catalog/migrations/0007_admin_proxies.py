# Written by hand to match catalog/admin_models.py (proxy models: no tables).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_stars_and_visits'),
    ]

    operations = [
        migrations.CreateModel(
            name='EntityWithErrors',
            fields=[],
            options={
                'verbose_name': 'processing error (entity)',
                'verbose_name_plural': 'processing errors (entities)',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('catalog.entity',),
        ),
        migrations.CreateModel(
            name='LocationWithErrors',
            fields=[],
            options={
                'verbose_name': 'processing error (location)',
                'verbose_name_plural': 'processing errors (locations)',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('catalog.location',),
        ),
        migrations.CreateModel(
            name='OrphanEntity',
            fields=[],
            options={
                'verbose_name': 'orphan',
                'verbose_name_plural': 'orphans',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('catalog.entity',),
        ),
    ]
