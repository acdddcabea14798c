"""What trust and safety adds to the site as a whole, registered in ``ready``."""

from sociable.content import content


def register() -> None:
    content("safety.WatchedWord", "safety.Flag", "safety.Appeal")
