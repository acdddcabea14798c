"""A search's count as a page says it: past the search's bound, "or more"."""

from sociable.paging import Total, counted


def test_a_count_is_said_with_its_thousands_and_whether_it_is_all_of_them():
    assert counted(3) == "3"
    assert counted(Total(1)) == "1"
    assert counted(Total(3071)) == "3,071"
    assert counted(Total(1000, capped=True)) == "1,000 or more"
    assert counted(Total(998, capped=True)) == "998 or more"  # some of the bound not visible


def test_a_count_is_an_int_to_a_paginator():
    total = Total(1000, capped=True)
    assert total == 1000 and total > 20 and total // 20 == 50
