# Tibetan: "སྤྱི་ལོ་ 2026 ཟླ་ 12 ཚེས་ 7" (Gregorian year, month, day), 24-hour time.
DATE_FORMAT = "སྤྱི་ལོ་ Y ཟླ་ n ཚེས་ j"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "སྤྱི་ལོ་ Y ཟླ་ n ཚེས་ j H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1
