"""English as used in the Nordics: ISO dates and a 24-hour clock rather than US forms, one format on
every page (the short and long names are the same): "2026-12-07", "2026-12-07 14:05". ISO, not
"7 Dec 2026": Lojal's English readers are mostly Nordic staff, who write dates this way, and a
list of ISO dates sorts and aligns as it reads. The day-first forms are accepted as input too."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
# The first form is the one inputs show and their placeholder names (lojal.core.widgets).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d %b %Y", "%d/%m/%Y", "%d.%m.%Y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
