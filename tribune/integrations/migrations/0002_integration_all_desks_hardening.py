"""An integration made without desks was a superuser (issue #20): it becomes a
plain user whose integration covers every desk, within its tokens' scopes."""

from django.db import migrations, models


def unmake_superusers(apps, schema_editor):
    Integration = apps.get_model("integrations", "Integration")
    User = apps.get_model("auth", "User")
    for integration in Integration.objects.filter(user__is_superuser=True):
        integration.all_desks = True
        integration.save(update_fields=["all_desks"])
        User.objects.filter(pk=integration.user_id).update(is_superuser=False)


class Migration(migrations.Migration):

    dependencies = [
        ("integrations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="integration",
            name="all_desks",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(unmake_superusers, migrations.RunPython.noop),
    ]
