"""API tokens now belong to the accounts app (issue #13): the model leaves this
app's state only; its table, ``moderation_apitoken``, stays where it is and is
taken over by ``accounts.0003_layers_apitoken``."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("moderation", "0002_workspace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ApiToken")],
            database_operations=[],
        ),
    ]
