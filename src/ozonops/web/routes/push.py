"""``POST /ozon/push/{shop_token}``: Ozon's push notifications (``web.receiver`` does the work)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ozonops.web.receiver import PushReceiver

__all__ = ["router"]

router = APIRouter(tags=["push"])


@router.post("/ozon/push/{shop_token}", summary="Ozon push notifications")
async def push(request: Request, shop_token: str) -> Response:
    receiver: PushReceiver = request.app.state.push_receiver
    return await receiver.handle(request, shop_token)
