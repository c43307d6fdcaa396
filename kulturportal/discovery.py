"""Find what each installed app contributes, without the core naming any app.

`manage.py seed_demo` and `seed_volume` use it: each app owns its demo data (a `demo`
module with `seed_demo()`) and its volume builders (a `volume` module with `BUILDERS`),
and they run in INSTALLED_APPS order, so an app that builds on another comes after it.
"""

from importlib import import_module

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def app_modules(submodule: str, *, skip=("kulturportal",)) -> list:
    found = []
    for config in apps.get_app_configs():
        if config.name in skip or not module_has_submodule(config.module, submodule):
            continue
        found.append(import_module(f"{config.name}.{submodule}"))
    return found
