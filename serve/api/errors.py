"""Errors the API answers, all as ``{"error": {"code", "message", "limit"}}``: input we cannot score
(:class:`hypecheck.serve.input_errors.InputError`, with the codes the CLI and batch use too) and
errors of the request itself (:class:`ApiError`: too many documents, a timeout, a bad form; no such
route or method)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from hypecheck.serve.guards import error_body
from hypecheck.serve.input_errors import InputError
from hypecheck.serve.schemas import ErrorResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

ERRORS = {
    413: {"model": ErrorResponse},
    415: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    429: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
    504: {"model": ErrorResponse},
}


class ApiError(Exception):
    """A request the API refuses, for a reason other than the input text."""

    def __init__(self, status: int, code: str, message: str, limit: float | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.limit = status, code, message, limit


async def _api_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return JSONResponse(error_body(error.code, error.message, error.limit), status_code=error.status)


async def _input_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InputError)
    return JSONResponse(error_body(error.code, error.message, error.limit), status_code=error.status)


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(error.detail)), status_code=error.status_code, headers=error.headers
    )


async def _invalid(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in error.errors()
    )
    return JSONResponse(error_body("invalid_request", details[:2000]), status_code=422)


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
