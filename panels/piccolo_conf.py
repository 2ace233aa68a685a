"""Piccolo's configuration: the engine chosen by DATABASE_URL and the registered apps."""

from piccolo.conf.apps import AppRegistry

from panels.db import create_engine
from panels.settings import get_settings

DB = create_engine(get_settings())

APP_REGISTRY = AppRegistry(apps=["panels.piccolo_app"])
