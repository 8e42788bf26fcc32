"""A 17TRACK-compatible service inside the simulator: API v2.2 under ``/17track``, pushes on
the simulated clock, control under ``/_sim/17track``. Its parcels are the Ozon world's."""

from ozonops.simulator.track17.api import PREFIX, routes
from ozonops.simulator.track17.control import routes as control_routes
from ozonops.simulator.track17.events import CarrierEvent, Parcel, physical_timeline
from ozonops.simulator.track17.push import Track17Pusher, pusher_for, sign
from ozonops.simulator.track17.service import Track17Service, service_for

__all__ = [
    "PREFIX",
    "CarrierEvent",
    "Parcel",
    "Track17Pusher",
    "Track17Service",
    "control_routes",
    "physical_timeline",
    "pusher_for",
    "routes",
    "service_for",
    "sign",
]
