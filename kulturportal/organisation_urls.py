"""Filled in by the work in progress."""

urlpatterns: list = []
