"""Serializers that turn world objects into Ozon-shaped JSON."""
