"""Swedish: ISO dates ("2026-12-07", as Swedes write them, SS-ISO 8601) and a 24-hour clock, the same
on every page (Django's own long form, "7 december 2026", is not used). Django's Swedish input forms
also accept the US "12/07/2026", which a Swede reads as 12 July: not here."""

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
# The first form is the one inputs show and their placeholder names (lojal.core.widgets).
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
FIRST_DAY_OF_WEEK = 1
