from django.db import migrations, models


class Migration(migrations.Migration):
    """A generation per scope (issue #12): the one global row becomes the ``all`` scope."""

    dependencies = [
        ("regency", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="datageneration",
            name="scope",
            field=models.CharField(default="all", max_length=24),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="datageneration",
            name="scope",
            field=models.CharField(max_length=24, unique=True),
        ),
    ]
