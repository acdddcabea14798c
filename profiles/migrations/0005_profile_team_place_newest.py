from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0004_search_rows_know_the_organisation"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="profile",
            name="profile_team",
        ),
        migrations.RemoveIndex(
            model_name="profile",
            name="profile_place",
        ),
        migrations.AddIndex(
            model_name="profile",
            index=models.Index(fields=["team", "-created_at"], name="profile_team_newest"),
        ),
        migrations.AddIndex(
            model_name="profile",
            index=models.Index(fields=["place", "-created_at"], name="profile_place_newest"),
        ),
    ]
