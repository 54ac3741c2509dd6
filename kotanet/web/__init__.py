"""The NOC dashboard: a FastAPI app with users, roles and a JSON API."""
