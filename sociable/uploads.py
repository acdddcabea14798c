"""Sizes of what people upload, in words they read."""


def describe_bytes(count: int) -> str:
    """Describe a byte count for people, e.g. "5 MB", "1.5 MB" or "200 KB"."""
    megabytes = count / (1024 * 1024)
    if megabytes >= 1:
        return f"{round(megabytes, 1):g} MB"
    return f"{max(1, round(count / 1024)):g} KB"
