from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('publishing', '0002_render_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='Version',
            fields=[
                ('name', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('version', models.BigIntegerField(default=0)),
            ],
        ),
    ]
