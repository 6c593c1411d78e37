"""Date and time formats for desk languages whose formats Django does not ship.

Django 5.2 has no formats for Tibetan, Burmese or Lao, and no month names in
those languages either, so their pages showed "Dec. 7, 2026, 9:18 a.m." in
English. These modules (``FORMAT_MODULE_PATH``) write dates with numbers and the
language's own words for year, month and day, and times on the 24-hour clock, so
no English word is left in a comment's date or a suspension's end.
"""
