# The scoring method as data (issue #15): templates made before it keep the legacy 12/2015
# average they were scored with; new templates default to the 88/2021 graded method.
# Sub-component names take the official titles (up to ~250 characters).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0002_verbose_names"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # existing rows: the method they were scored with
        migrations.AddField(
            model_name="template",
            name="method",
            field=models.CharField(
                choices=[
                    ("graded-88-2021", "PermenPAN-RB 88/2021: nilai per subkomponen (AA–E) dari pemenuhan kriteria"),
                    ("averaged-12-2015", "PermenPAN-RB 12/2015 (metode lama): rata-rata nilai kriteria"),
                ],
                default="averaged-12-2015",
                max_length=30,
                verbose_name="metode penilaian",
            ),
        ),
        # new rows: the 88/2021 method
        migrations.AlterField(
            model_name="template",
            name="method",
            field=models.CharField(
                choices=[
                    ("graded-88-2021", "PermenPAN-RB 88/2021: nilai per subkomponen (AA–E) dari pemenuhan kriteria"),
                    ("averaged-12-2015", "PermenPAN-RB 12/2015 (metode lama): rata-rata nilai kriteria"),
                ],
                default="graded-88-2021",
                max_length=30,
                verbose_name="metode penilaian",
            ),
        ),
        migrations.AlterField(
            model_name="subcomponent",
            name="name",
            field=models.CharField(max_length=500, verbose_name="subkomponen"),
        ),
        migrations.CreateModel(
            name="GradeDecision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "grade",
                    models.CharField(
                        choices=[
                            ("AA", "AA"),
                            ("A", "A"),
                            ("BB", "BB"),
                            ("B", "B"),
                            ("CC", "CC"),
                            ("C", "C"),
                            ("D", "D"),
                            ("E", "E"),
                        ],
                        max_length=2,
                        verbose_name="nilai evaluator",
                    ),
                ),
                (
                    "qualifier",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("kept-1y", "dipertahankan setidaknya 1 tahun terakhir"),
                            ("kept-5y", "dipertahankan setidaknya 5 tahun terakhir"),
                            ("recognised", "terdapat beberapa upaya yang bisa dihargai"),
                            ("innovation", "terdapat upaya inovatif serta layak menjadi percontohan secara nasional"),
                        ],
                        max_length=20,
                        verbose_name="kualifikasi",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="catatan/alasan evaluator")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "evaluation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="grade_decisions",
                        to="evaluation.evaluation",
                    ),
                ),
                (
                    "subcomponent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="grade_decisions",
                        to="evaluation.subcomponent",
                    ),
                ),
            ],
            options={
                "verbose_name": "nilai subkomponen oleh evaluator",
                "verbose_name_plural": "nilai subkomponen oleh evaluator",
                "ordering": ["evaluation", "subcomponent__component__order", "subcomponent__order"],
                "constraints": [
                    models.UniqueConstraint(fields=("evaluation", "subcomponent"), name="one_grade_per_subcomponent")
                ],
            },
        ),
    ]
