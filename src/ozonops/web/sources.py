"""Who sent a request: the direct peer, or — behind a trusted reverse proxy — the address the
proxies name in ``X-Forwarded-For``; and whether that source may push.

The header is read right to left: each proxy appends the address it got the request from, so
the rightmost entry not itself a trusted proxy is the client. Entries left of it were written
by the client and prove nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

__all__ = ["Address", "SourceCheck"]

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.5:443
        text = text.split(":", 1)[0]
    try:
        addr = ip_address(text)
    except ValueError:
        return None
    if isinstance(addr, IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


class SourceCheck:
    """Allowed networks and trusted proxies (``config.PushSettings``)."""

    def __init__(self, *, allowed: Iterable[Network], trusted_proxies: Iterable[Network]) -> None:
        self.allowed = tuple(allowed)
        self.trusted = tuple(trusted_proxies)

    def _trusted(self, addr: Address) -> bool:
        return any(addr in net for net in self.trusted)

    def source(self, peer: str | None, forwarded_for: str | None) -> Address | None:
        """The request's source address, or None when it cannot be told."""
        addr = _address(peer) if peer else None
        if addr is None or not forwarded_for or not self._trusted(addr):
            return addr
        for entry in reversed(forwarded_for.split(",")):
            hop = _address(entry)
            if hop is None:
                return None  # a proxy wrote something we cannot read: trust nothing
            if not self._trusted(hop):
                return hop
            addr = hop
        return addr

    def allows(self, addr: Address | None) -> bool:
        return addr is not None and any(addr in net for net in self.allowed)
