import django.db.models.deletion

import sakip.regency.models
from django.db import migrations, models


class Migration(migrations.Migration):
    """Issue #12: a generation per scope (the one global row becomes the ``all`` scope); the kept figures."""

    dependencies = [
        ("regency", "0001_initial"),
        ("accounts", "0001_initial"),
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
        migrations.CreateModel(
            name='KeptAggregate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('quarter', models.PositiveSmallIntegerField()),
                ('version', models.PositiveIntegerField()),
                ('level', models.CharField(max_length=10)),
                ('ref', models.CharField(max_length=100)),
                ('text', models.TextField()),
                ('achievement', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('achievement_num', models.DecimalField(decimal_places=6, max_digits=24, null=True)),
                ('category', models.CharField(max_length=40, null=True)),
                ('color', models.CharField(max_length=20, null=True)),
                ('measured', models.PositiveIntegerField(default=0)),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.office')),
            ],
            options={
                'indexes': [models.Index(fields=['office', 'year', 'quarter', 'version'], name='kept_aggregate_lookup')],
            },
        ),
        migrations.CreateModel(
            name='KeptIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('quarter', models.PositiveSmallIntegerField()),
                ('version', models.PositiveIntegerField()),
                ('indicator', models.CharField(max_length=100)),
                ('name', models.TextField()),
                ('level', models.CharField(max_length=10)),
                ('parent', models.CharField(max_length=100)),
                ('in_pk', models.BooleanField(default=False)),
                ('target', models.TextField(null=True)),
                ('realisation', models.TextField(null=True)),
                ('achievement', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('achievement_num', models.DecimalField(decimal_places=6, max_digits=24, null=True)),
                ('status', models.CharField(max_length=20)),
                ('category', models.CharField(max_length=40, null=True)),
                ('color', models.CharField(max_length=20, null=True)),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.office')),
            ],
            options={
                'indexes': [models.Index(fields=['office', 'year', 'quarter', 'version'], name='kept_indicator_lookup')],
            },
        ),
        migrations.CreateModel(
            name='KeptOffice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('quarter', models.PositiveSmallIntegerField()),
                ('version', models.PositiveIntegerField()),
                ('achievement', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('achievement_num', models.DecimalField(decimal_places=6, max_digits=24, null=True)),
                ('category', models.CharField(max_length=40, null=True)),
                ('color', models.CharField(max_length=20, null=True)),
                ('measured', models.PositiveIntegerField(default=0)),
                ('not_measured', models.PositiveIntegerField(default=0)),
                ('undefined', models.PositiveIntegerField(default=0)),
                ('allocation', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('realisation', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('absorption', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('absorption_num', models.DecimalField(decimal_places=6, max_digits=24, null=True)),
                ('weakest_id', models.CharField(max_length=100, null=True)),
                ('weakest_name', models.TextField(null=True)),
                ('weakest_achievement', sakip.regency.models.DecimalText(max_length=64, null=True)),
                ('weakest_color', models.CharField(max_length=20, null=True)),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.office')),
            ],
            options={
                'indexes': [models.Index(fields=['year', 'quarter', 'office', 'version'], name='kept_office_lookup')],
            },
        ),
        migrations.CreateModel(
            name='KeptOfficeYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('version', models.PositiveIntegerField(default=0)),
                ('changes', models.PositiveIntegerField(default=1)),
                ('included', models.PositiveIntegerField(default=0)),
                ('computed_at', models.DateTimeField(null=True)),
                ('office', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.office')),
            ],
            options={
                'indexes': [models.Index(fields=['year', 'office'], name='kept_year_office')],
                'constraints': [models.UniqueConstraint(fields=('office', 'year'), name='kept_office_year_unique')],
            },
        ),
    ]
