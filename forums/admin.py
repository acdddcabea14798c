"""The forums in the Django admin, for moderators and administrators.

Moderators get exactly the permissions migration 0002 gives the Moderators group.
Every change a moderator makes here goes through forums.services, so it is in the
moderation log; the log itself is read-only. People limited to some boards only
see those boards' threads, posts and reports.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import Truncator

from . import services
from .models import Board, ModerationLog, Post, Report, Suspension, Thread
from .permissions import moderated_boards

ADMIN_HIDE_REASON_HELP = "People see this in the place of each post."


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "audience", "group", "threads"]
    list_filter = ["audience"]
    list_select_related = ["group"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["moderators"]
    autocomplete_fields = ["group"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(thread_total=Count("threads"))

    @admin.display(ordering="thread_total")
    def threads(self, obj: Board) -> int:
        return obj.thread_total

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "moderators":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(Q(groups__name="Moderators") | Q(is_superuser=True))
                .distinct()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "board",
        "author",
        "post_count",
        "is_locked",
        "is_pinned",
        "last_activity_at",
    ]
    list_filter = ["board", "is_locked", "is_pinned"]
    list_select_related = ["board", "author"]
    search_fields = ["title"]
    date_hierarchy = "last_activity_at"
    # Changes go through the actions (or the thread's moderation page), which write the log.
    fields = readonly_fields = [
        "title",
        "board",
        "author",
        "created_at",
        "last_activity_at",
        "post_count",
        "is_locked",
        "is_pinned",
    ]
    actions = ["lock", "unlock", "pin", "unpin"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(board__in=moderated_boards(request.user))

    def _set_flag(self, request, queryset, flag: str, on: bool, done: str) -> None:
        changed = queryset.exclude(**{flag: on})
        for thread in changed:
            services.set_thread_flag(
                thread=thread, moderator=request.user, flag=flag, on=on, reason="In the admin"
            )
        messages.success(request, f"{len(changed)} threads {done}.")

    @admin.action(description="Lock selected threads", permissions=["change"])
    def lock(self, request, queryset):
        self._set_flag(request, queryset, "is_locked", True, "locked")

    @admin.action(description="Unlock selected threads", permissions=["change"])
    def unlock(self, request, queryset):
        self._set_flag(request, queryset, "is_locked", False, "unlocked")

    @admin.action(description="Pin selected threads", permissions=["change"])
    def pin(self, request, queryset):
        self._set_flag(request, queryset, "is_pinned", True, "pinned")

    @admin.action(description="Unpin selected threads", permissions=["change"])
    def unpin(self, request, queryset):
        self._set_flag(request, queryset, "is_pinned", False, "unpinned")


class HideForm(forms.Form):
    reason = forms.CharField(
        label="Why are these posts hidden?", max_length=300, help_text=ADMIN_HIDE_REASON_HELP
    )


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "thread", "author", "status", "hidden", "created_at"]
    list_filter = [
        "status",
        ("hidden_at", admin.EmptyFieldListFilter),
        ("deleted_at", admin.EmptyFieldListFilter),
        "thread__board",
    ]
    list_select_related = ["thread", "author"]
    search_fields = ["body"]
    date_hierarchy = "created_at"
    # Posts change only through the moderation actions: hidden, never rewritten.
    fields = readonly_fields = [
        "thread",
        "author",
        "parent",
        "body",
        "status",
        "created_at",
        "edited_at",
        "deleted_at",
        "hidden_at",
        "hidden_reason",
    ]
    actions = ["hide_selected", "approve_selected"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).filter(thread__board__in=moderated_boards(request.user))
        )

    @admin.display(description="Post")
    def excerpt(self, obj: Post) -> str:
        return Truncator(obj.body).chars(80)

    @admin.display(boolean=True, ordering="hidden_at")
    def hidden(self, obj: Post) -> bool:
        return obj.hidden_at is not None

    @admin.action(description="Hide selected posts", permissions=["change"])
    def hide_selected(self, request, queryset):
        """Ask for the reason people will see, then hide each post."""
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            posts = queryset.filter(hidden_at__isnull=True).select_related("thread", "author")
            for post in posts:
                services.hide_post(
                    post=post, moderator=request.user, reason=form.cleaned_data["reason"]
                )
            messages.success(request, f"{len(posts)} posts hidden.")
            return None
        return render(
            request,
            "forums/moderation/admin_hide_posts.html",
            {
                "form": form,
                "posts": queryset.select_related("author"),
                "opts": self.model._meta,
                "title": "Hide posts",
                **self.admin_site.each_context(request),
            },
        )

    @admin.action(description="Approve selected posts", permissions=["change"])
    def approve_selected(self, request, queryset):
        pending = queryset.filter(status=Post.Status.PENDING).select_related("author")
        for post in pending:
            services.approve_post(post=post, moderator=request.user)
        messages.success(request, f"{len(pending)} posts approved.")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reason", "status", "reporter", "claimed_by", "created_at"]
    list_filter = ["status", "reason"]
    list_select_related = ["post", "reporter", "claimed_by"]
    search_fields = ["details", "post__body", "reporter__name", "reporter__email"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "post",
        "reporter",
        "reason",
        "details",
        "status",
        "created_at",
        "claimed_by",
        "claimed_at",
        "resolved_by",
        "resolved_at",
    ]
    actions = ["resolve_selected"]

    def get_queryset(self, request):
        boards = moderated_boards(request.user)
        return super().get_queryset(request).filter(post__thread__board__in=boards)

    @admin.action(description="Resolve selected reports", permissions=["change"])
    def resolve_selected(self, request, queryset):
        """Resolve the reports; the other open reports on the same posts close with them."""
        open_reports = queryset.filter(status=Report.Status.OPEN)
        posts = Post.objects.filter(pk__in=open_reports.values("post")).select_related("thread")
        closed = sum(services.close_reports(post=post, moderator=request.user) for post in posts)
        messages.success(request, f"{closed} reports resolved on {len(posts)} posts.")


class SuspensionForm(forms.ModelForm):
    moderator = None  # set by SuspensionAdmin.get_form

    class Meta:
        model = Suspension
        fields = ["user", "until", "reason"]

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise ValidationError("Choose a time in the future.")
        return until

    def clean_user(self):
        user = self.cleaned_data["user"]
        if self.moderator is not None and user.pk == self.moderator.pk:
            raise ValidationError("You cannot suspend yourself.")
        return user


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    form = SuspensionForm
    list_display = ["user", "until", "reason", "created_by", "created_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "created_by"]
    search_fields = ["user__name", "user__email", "reason"]
    date_hierarchy = "until"
    actions = ["lift"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "until", "reason"]
        return ["user", "until", "reason", "created_by", "created_at", "lifted_at"]

    def get_readonly_fields(self, request, obj=None):
        # A suspension, once made, changes only by being lifted (which the log records).
        return [] if obj is None else self.get_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.moderator = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return
        suspension = services.suspend(
            user=obj.user, moderator=request.user, until=obj.until, reason=obj.reason
        )
        obj.pk, obj.created_by, obj.created_at = (
            suspension.pk,
            suspension.created_by,
            suspension.created_at,
        )

    @admin.action(description="Lift selected suspensions", permissions=["change"])
    def lift(self, request, queryset):
        active = queryset.filter(lifted_at__isnull=True, until__gt=timezone.now())
        active = list(active.select_related("user"))
        for suspension in active:
            services.lift_suspension(suspension=suspension, moderator=request.user)
        messages.success(request, f"{len(active)} suspensions lifted.")


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes anyway, so the admin does not offer them."""

    list_display = ["created_at", "moderator", "action", "post", "thread", "subject", "reason"]
    list_filter = ["action", "created_at"]
    list_select_related = ["moderator", "post", "thread", "subject"]
    search_fields = ["reason", "detail", "moderator__name", "subject__name", "thread__title"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        boards = moderated_boards(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(Q(thread__isnull=True) | Q(thread__board__in=boards))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
