"""ozonops: everything an Ozon seller must do after a parcel ships."""

__version__ = "0.1.0"
