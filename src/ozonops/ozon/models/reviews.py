"""Reviews (v2) and review comments (ozon-api.md §5)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ozonops.ozon.models.common import (
    EmptyRequest,
    EmptyResponse,
    Int64Str,
    Many,
    OzonInt,
    OzonTime,
    Request,
    Response,
    SortDir,
    UtcTime,
)

# --- requests ---------------------------------------------------------------------------------


class ReviewListFilters(Request):
    status: Literal["ALL", "NEW", "VIEWED", "PROCESSED"] | None = None
    order_status: Literal["ALL", "DELIVERED", "CANCELLED"] | None = None
    published_from: UtcTime | None = None
    published_to: UtcTime | None = None
    skus: list[Int64Str] | None = Field(None, max_length=1000)


class ReviewListRequest(Request):
    limit: int = Field(ge=20, le=100)
    last_id: str | None = None
    sort_dir: SortDir | None = None
    filters: ReviewListFilters | None = None


class ReviewInfoRequest(Request):
    review_id: str = Field(min_length=1)


ReviewCountRequest = EmptyRequest


class ReviewChangeStatusRequest(Request):
    review_ids: list[str] = Field(min_length=1, max_length=100)
    status: Literal["NEW", "VIEWED", "PROCESSED"]


class CommentCreateRequest(Request):
    review_id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    parent_comment_id: str | None = None
    mark_review_as_processed: bool | None = None


class CommentListFilter(Request):
    sku: int | None = None
    published_from: UtcTime | None = None
    published_to: UtcTime | None = None


class CommentListRequest(Request):
    """Give exactly one of ``review_id`` or ``filter.sku`` (the spec's ``oneOf``).

    With ``review_id`` an empty ``filter`` is sent too: the spec's second branch only asks
    ``filter.sku`` *if* ``filter`` is present, so without it both branches match and the
    ``oneOf`` fails.
    """

    limit: int = Field(ge=20, le=100)
    offset: int | None = Field(None, ge=0)
    review_id: str | None = None
    sort_dir: SortDir | None = None
    filter: CommentListFilter | None = None

    @model_validator(mode="after")
    def _one_target(self) -> CommentListRequest:
        has_sku = self.filter is not None and self.filter.sku is not None
        if (self.review_id is not None) == has_sku:
            raise ValueError("give exactly one of review_id or filter.sku")
        return self

    def to_json(self) -> dict[str, Any]:
        body = super().to_json()
        body.setdefault("filter", {})
        return body


# --- responses --------------------------------------------------------------------------------


class Review(Response):
    """A review in the list; ``status`` may still be the v1 ``UNPROCESSED`` (§14)."""

    id: str | None = None
    sku: OzonInt = None
    text: str | None = None
    rating: OzonInt = None
    status: str | None = None
    order_status: str | None = None
    published_at: OzonTime = None
    is_rating_participant: bool = False
    comments_amount: OzonInt = None
    photos_amount: OzonInt = None
    videos_amount: OzonInt = None


class ReviewListResponse(Response):
    reviews: Many[Review] = Field(default_factory=list)
    has_next: bool = False
    last_id: str | None = None


class ReviewPhoto(Response):
    url: str | None = None
    width: OzonInt = None
    height: OzonInt = None


class ReviewVideo(ReviewPhoto):
    preview_url: str | None = None
    short_video_preview_url: str | None = None


class ReviewInfoResponse(Review):
    likes_amount: OzonInt = None
    dislikes_amount: OzonInt = None
    photos: Many[ReviewPhoto] = Field(default_factory=list)
    videos: Many[ReviewVideo] = Field(default_factory=list)


class ReviewCountResponse(Response):
    total: OzonInt = None
    new: OzonInt = None
    viewed: OzonInt = None
    processed: OzonInt = None


ReviewChangeStatusResponse = EmptyResponse


class CommentCreateResponse(Response):
    comment_id: str | None = None


class Comment(Response):
    id: str | None = None
    text: str | None = None
    published_at: OzonTime = None
    parent_comment_id: str | None = None
    is_owner: bool = False
    is_official: bool = False
    is_published: bool = False
    is_rejected: bool = False
    deviation_reason: str | None = None
    likes_amount: OzonInt = None
    dislikes_amount: OzonInt = None


class CommentListResponse(Response):
    comments: Many[Comment] = Field(default_factory=list)
    offset: OzonInt = None


__all__ = [
    "Comment",
    "CommentCreateRequest",
    "CommentCreateResponse",
    "CommentListFilter",
    "CommentListRequest",
    "CommentListResponse",
    "Review",
    "ReviewChangeStatusRequest",
    "ReviewChangeStatusResponse",
    "ReviewCountRequest",
    "ReviewCountResponse",
    "ReviewInfoRequest",
    "ReviewInfoResponse",
    "ReviewListFilters",
    "ReviewListRequest",
    "ReviewListResponse",
    "ReviewPhoto",
    "ReviewVideo",
]
