from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0005_post_waiting_by_author"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(
                condition=models.Q(("post_count__gt", 0)),
                fields=["board", "-created_at"],
                name="thread_board_newest",
            ),
        ),
    ]
