"""Pools of written text, each rendered to HTML once.

Rendering Markdown for millions of posts would take longer than everything else
together, so posts, bios and descriptions draw from a few thousand texts rendered
by the site's own ``render_markdown``: every stored ``*_html`` is exactly what the
services would have stored for that text.
"""

from __future__ import annotations

import random

from sociable.markdown import render_markdown

from . import names


class TextPool:
    def __init__(self, texts: list[str]):
        unique = list(dict.fromkeys(t.strip() for t in texts if t.strip()))
        self.entries = [(text, render_markdown(text)) for text in unique]

    def pick(self, rng: random.Random) -> tuple[str, str]:
        return self.entries[int(rng.random() * len(self.entries))]

    def __len__(self) -> int:
        return len(self.entries)


def _fill(rng: random.Random, template: str, topics: list[str], places: list[str]) -> str:
    return template.format(
        topic=rng.choice(topics),
        topic2=rng.choice(topics),
        interest=rng.choice(topics).lower(),
        place=rng.choice(places),
        team=rng.choice(names.TEAMS["council"] + names.TEAMS["nhs_trust"]),
        years=rng.randint(2, 30),
        n=rng.randint(3, 12),
        when=rng.choice(names.WHEN),
    )


def opening_posts(rng, topics, places, count: int = 1500) -> TextPool:
    texts = []
    for _ in range(count):
        parts = [
            rng.choice(names.OPENINGS),
            rng.choice(names.MIDDLES),
            rng.choice(names.MIDDLES) if rng.random() < 0.5 else "",
        ]
        body = " ".join(p for p in parts if p) + rng.choice(names.EXTRAS)
        closing = rng.choice(names.CLOSINGS)
        texts.append(_fill(rng, body + (f"\n\n{closing}" if closing else ""), topics, places))
    return TextPool(texts)


def replies(rng, topics, places, count: int = 3000) -> TextPool:
    texts = []
    for _ in range(count):
        body = rng.choice(names.REPLIES)
        roll = rng.random()
        if roll < 0.15:  # quoting what they answer
            body = f"> {rng.choice(names.MIDDLES)}\n\n{body}"
        elif roll < 0.45:
            body = f"{body} {rng.choice(names.MIDDLES)}"
        elif roll < 0.55:
            body += rng.choice(names.EXTRAS)
        texts.append(_fill(rng, body, topics, places))
    return TextPool(texts)


def bios(rng, topics, places, count: int = 2000) -> TextPool:
    return TextPool([_fill(rng, rng.choice(names.BIOS), topics, places) for _ in range(count)])


def group_descriptions(rng, topics, places, count: int = 600) -> TextPool:
    templates = names.GROUP_DESCRIPTIONS
    return TextPool([_fill(rng, rng.choice(templates), topics, places) for _ in range(count)])


def event_descriptions(rng, topics, places, count: int = 400) -> TextPool:
    templates = names.EVENT_DESCRIPTIONS
    return TextPool([_fill(rng, rng.choice(templates), topics, places) for _ in range(count)])


def _paragraph(rng: random.Random, fewest: int, most: int) -> str:
    return " ".join(rng.sample(names.STORY_SENTENCES, rng.randint(fewest, most)))


def story_bodies(rng, topics, places, count: int = 400) -> TextPool:
    """Stories a few paragraphs long, in sections, with a list or a quotation here and there:
    from a minute's reading to six or so."""
    texts = []
    for _ in range(count):
        parts = [_paragraph(rng, 2, 4)]
        sections = rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8])
        for heading in rng.sample(names.STORY_HEADINGS, sections):
            parts += [f"## {heading}", _paragraph(rng, 2, 6)]
            roll = rng.random()
            if roll < 0.3:
                parts.append(rng.choice(names.STORY_LISTS))
            elif roll < 0.45:
                parts.append(f"> {rng.choice(names.STORY_QUOTES)}")
            if rng.random() < 0.6:
                parts.append(_paragraph(rng, 2, 5))
        closing = rng.choice(names.STORY_CLOSINGS)
        if closing:
            parts.append(closing)
        body = "\n\n".join(parts).replace("{hood}", rng.choice(names.NEIGHBOURHOODS))
        texts.append(_fill(rng, body, topics, places))
    return TextPool(texts)


def story_comments(rng, topics, places, count: int = 1000) -> TextPool:
    texts = []
    for _ in range(count):
        body = rng.choice(names.STORY_COMMENTS if rng.random() < 0.6 else names.REPLIES)
        if rng.random() < 0.25:
            body = f"{body} {rng.choice(names.MIDDLES)}"
        texts.append(_fill(rng, body, topics, places))
    return TextPool(texts)
