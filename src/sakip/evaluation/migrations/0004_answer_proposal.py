# The answer Sakip proposes from its own data (issue #15): the proposal, its evidence and time kept on the
# answer beside both sides' values, and who chose each side's value (confirmed or overridden, by whom).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0003_method_and_grades'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='answer',
            name='evaluator_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dinilai oleh'),
        ),
        migrations.AddField(
            model_name='answer',
            name='proposed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='waktu usulan Sakip'),
        ),
        migrations.AddField(
            model_name='answer',
            name='proposed_evidence',
            field=models.JSONField(blank=True, default=dict, verbose_name='bukti usulan Sakip'),
        ),
        migrations.AddField(
            model_name='answer',
            name='proposed_value',
            field=models.CharField(blank=True, max_length=10, verbose_name='usulan Sakip'),
        ),
        migrations.AddField(
            model_name='answer',
            name='self_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dijawab oleh'),
        ),
    ]
