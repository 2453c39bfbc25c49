"""The read layer (graph/query) as the web app uses it: one name resolver and one dependency reader per app,
made on first use (the resolver indexes the labels of the store once)."""

from __future__ import annotations

from flask import current_app

from graph.query.dependencies import Dependencies
from graph.query.questions import Resolver

from . import services


def resolver() -> Resolver:
    ext = current_app.extensions
    if "policykg.resolver" not in ext:
        ext["policykg.resolver"] = Resolver(services().store)
    return ext["policykg.resolver"]


def dependencies() -> Dependencies:
    ext = current_app.extensions
    if "policykg.dependencies" not in ext:
        s = services()
        ext["policykg.dependencies"] = Dependencies(s.store, s.settings.base)
    return ext["policykg.dependencies"]
