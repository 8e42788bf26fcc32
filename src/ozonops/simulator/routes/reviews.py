"""Reviews v2 and review comments (ozon-api.md §5).

Every method needs the shop's review subscription ("Review management" or Premium Pro);
otherwise Ozon answers 403 ``not available with existing subscription`` (ozon-rules.md
"Paid-tier gates").
"""

from __future__ import annotations

from typing import Any

from ozonops.simulator.errors import bad_request, forbidden, not_found
from ozonops.simulator.paging import check_limit, check_offset
from ozonops.simulator.routing import JSON, Ctx, iso, parse_optional_time, route
from ozonops.simulator.world import aftersales as af
from ozonops.simulator.world.aftersales_reviews import Comment, Review

COMMENT_LIMITS = (20, 100)
REVIEW_LIMITS = (20, 100)
MAX_COMMENT_CHARS = 3000  # ours: Ozon does not publish the cap


def _gate(ctx: Ctx) -> None:
    if not ctx.shop.has_review_access:
        raise forbidden("not available with existing subscription")


def _review(ctx: Ctx, review_id: str) -> Review:
    rev = af.find_review(ctx.world, ctx.shop, review_id)
    if rev is None:
        raise not_found(f"review {review_id} not found")
    return rev


def _render(ctx: Ctx, rev: Review) -> dict[str, Any]:
    now = ctx.now
    return {
        "comments_amount": len(af.review_comments(ctx.world, rev, now)),
        "id": rev.id,
        "is_rating_participant": rev.is_rating_participant,
        "order_status": rev.order_status,
        "photos_amount": rev.photos,
        "published_at": iso(rev.published_at),
        "rating": rev.rating,
        "sku": rev.sku,
        "status": af.review_status(ctx.world, rev, now),
        "text": rev.text,
        "videos_amount": rev.videos,
    }


@route("/v2/review/list")
def review_list(ctx: Ctx) -> JSON:
    _gate(ctx)
    body, now, world = ctx.body, ctx.now, ctx.world
    limit = check_limit(int(body["limit"]), REVIEW_LIMITS[1], bottom=REVIEW_LIMITS[0])
    desc = (body.get("sort_dir") or "DESC") == "DESC"
    flt: dict[str, Any] = body.get("filters") or {}
    status = flt.get("status") or "ALL"
    order_status = flt.get("order_status") or "ALL"
    lo = parse_optional_time(flt.get("published_from"), "filters.published_from")
    hi = parse_optional_time(flt.get("published_to"), "filters.published_to")
    skus = {int(s) for s in flt.get("skus") or []}
    sa = af.shop_index(world, ctx.shop)
    items = af.visible_reviews(sa, now)
    last_id = body.get("last_id") or ""
    if last_id:
        anchor = sa.review_by_id.get(last_id)
        if anchor is None or anchor.published_at > now:
            raise bad_request(f"unknown last_id {last_id!r}", field="last_id")
        key = (anchor.published_at, anchor.id)
        items = [r for r in items if ((r.published_at, r.id) < key) == desc and r.id != last_id]
    ordered = reversed(items) if desc else iter(items)
    page: list[Review] = []
    has_next = False
    for rev in ordered:
        if lo is not None and rev.published_at < lo:
            continue
        if hi is not None and rev.published_at > hi:
            continue
        if skus and rev.sku not in skus:
            continue
        if order_status != "ALL" and rev.order_status != order_status:
            continue
        if status != "ALL" and af.review_status(world, rev, now) != status:
            continue
        if len(page) == limit:
            has_next = True
            break
        page.append(rev)
    out: dict[str, Any] = {"reviews": [_render(ctx, r) for r in page], "has_next": has_next}
    if page:
        out["last_id"] = page[-1].id
    return out


@route("/v2/review/info")
def review_info(ctx: Ctx) -> JSON:
    _gate(ctx)
    rev = _review(ctx, str(ctx.body["review_id"]))
    out = _render(ctx, rev)
    out["likes_amount"] = rev.likes
    out["dislikes_amount"] = rev.dislikes
    out["photos"] = [
        {
            "url": f"https://cdn1.ozone.ru/s3/rp-photo-{k + 1}/{rev.id}.jpeg",
            "width": 1080,
            "height": 1440,
        }
        for k in range(rev.photos)
    ]
    out["videos"] = [
        {
            "url": f"https://v.ozone.ru/vod/video-{k + 1}/{rev.id}/asset_1.mp4",
            "preview_url": f"https://cdn1.ozone.ru/s3/video-preview/{rev.id}.jpg",
            "short_video_preview_url": f"https://v.ozone.ru/vod/video-{k + 1}/{rev.id}/short.mp4",
            "width": 720,
            "height": 1280,
        }
        for k in range(rev.videos)
    ]
    return out


@route("/v2/review/count")
def review_count(ctx: Ctx) -> JSON:
    _gate(ctx)
    counts = {"NEW": 0, "VIEWED": 0, "PROCESSED": 0}
    sa = af.shop_index(ctx.world, ctx.shop)
    for rev in af.visible_reviews(sa, ctx.now):
        counts[af.review_status(ctx.world, rev, ctx.now)] += 1
    return {
        "total": sum(counts.values()),
        "new": counts["NEW"],
        "viewed": counts["VIEWED"],
        "processed": counts["PROCESSED"],
    }


@route("/v2/review/change-status")
def review_change_status(ctx: Ctx) -> JSON:
    _gate(ctx)
    status = ctx.body.get("status")
    if not status:
        raise bad_request("status is required", field="status")
    ids = ctx.body.get("review_ids") or []
    if not ids:
        raise bad_request("review_ids is required", field="review_ids")
    reviews = [_review(ctx, str(i)) for i in ids]
    for rev in reviews:
        af.set_review_status(ctx.world, rev, str(status), ctx.now)
    return None


@route("/v1/review/comment/create")
def comment_create(ctx: Ctx) -> JSON:
    _gate(ctx)
    body, now = ctx.body, ctx.now
    rev = _review(ctx, str(body["review_id"]))
    text = str(body["text"]).strip()
    if not text:
        raise bad_request("text must not be empty", field="text")
    if len(text) > MAX_COMMENT_CHARS:
        raise bad_request(f"text is longer than {MAX_COMMENT_CHARS} characters", field="text")
    parent = str(body.get("parent_comment_id") or "")
    if parent and all(c.id != parent for c in af.review_comments(ctx.world, rev, now)):
        raise not_found(f"comment {parent} not found")
    comment = af.add_comment(ctx.world, rev, text, parent, now)
    if body.get("mark_review_as_processed"):
        af.set_review_status(ctx.world, rev, "PROCESSED", now)
    return {"comment_id": comment.id}


def _render_comment(c: Comment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "text": c.text,
        "published_at": iso(c.published_at),
        "is_owner": c.is_owner,
        "is_official": c.is_official,
        "is_published": True,
        "is_rejected": False,
        "likes_amount": 0,
        "dislikes_amount": 0,
    }
    if c.parent_comment_id:
        out["parent_comment_id"] = c.parent_comment_id
    return out


@route("/v1/review/comment/list")
def comment_list(ctx: Ctx) -> JSON:
    _gate(ctx)
    body, now, world = ctx.body, ctx.now, ctx.world
    limit = check_limit(int(body["limit"]), COMMENT_LIMITS[1], bottom=COMMENT_LIMITS[0])
    offset = check_offset(int(body.get("offset") or 0))
    flt: dict[str, Any] = body.get("filter") or {}
    lo = parse_optional_time(flt.get("published_from"), "filter.published_from")
    hi = parse_optional_time(flt.get("published_to"), "filter.published_to")
    review_id = body.get("review_id")
    if review_id:
        reviews = [_review(ctx, str(review_id))]
    elif flt.get("sku") is not None:
        sku = int(flt["sku"])
        sa = af.shop_index(world, ctx.shop)
        reviews = [r for r in af.visible_reviews(sa, now) if r.sku == sku]
    else:
        raise bad_request("review_id or filter.sku is required", field="review_id")
    comments = [c for r in reviews for c in af.review_comments(world, r, now)]
    comments = [
        c
        for c in comments
        if (lo is None or c.published_at >= lo) and (hi is None or c.published_at <= hi)
    ]
    comments.sort(key=lambda c: (c.published_at, c.id), reverse=body.get("sort_dir") == "DESC")
    page = comments[offset : offset + limit]
    return {"comments": [_render_comment(c) for c in page], "offset": offset + len(page)}
