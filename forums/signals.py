"""What the forums announce to apps above them (which connect in their ``ready``)."""

from django.dispatch import Signal

#: Sent in the transaction that writes a moderation log entry: ``entry``. Trust and safety
#: tells the person acted on (``safety.telling``) once it commits.
action_logged = Signal()
