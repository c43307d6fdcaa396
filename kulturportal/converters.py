"""URL converters the apps share; importing this module registers them once."""

from django.urls import register_converter


class ExportFormat:
    """A table download's format: …/prioriteringar.csv, …/svar.xlsx."""

    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "export_format")
