"""The smallest Django 3.2 settings for the workflow: one MySQL database from the environment."""

import os

SECRET_KEY = "trireme-orm-workflow"
INSTALLED_APPS = ["djangoapp.shop"]
# ORM_AUTO_INCREMENT="increment,offset" (django_workflow.py): the session's AUTO_INCREMENT
# step and offset, so that a standalone server hands out the ids a Galera node does.
OPTIONS = {"charset": "utf8mb4"}
if "ORM_AUTO_INCREMENT" in os.environ:
    _increment, _offset = (int(n) for n in os.environ["ORM_AUTO_INCREMENT"].split(","))
    OPTIONS["init_command"] = (
        f"SET SESSION auto_increment_increment = {_increment}, auto_increment_offset = {_offset}"
    )
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "HOST": os.environ["ORM_DB_HOST"],
        "PORT": os.environ["ORM_DB_PORT"],
        "NAME": os.environ["ORM_DB_NAME"],
        "USER": "root",
        "PASSWORD": "",
        "OPTIONS": OPTIONS,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Naive datetimes: what is compared is what the server stores, not time zone conversion.
USE_TZ = False
