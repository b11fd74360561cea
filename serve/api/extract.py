"""``/v1/extract``: the text of an uploaded Word file, for the editors' page to show and score."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, UploadFile
from hypecheck.serve.api.dependencies import SettingsDep
from hypecheck.serve.api.errors import ERRORS
from hypecheck.serve.input_errors import InputError
from hypecheck.serve.inputs import clean_text, docx_text
from hypecheck.serve.schemas import Extracted

router = APIRouter(tags=["score"], responses=ERRORS)


@router.post("/v1/extract", response_model=Extracted)
async def extract(file: UploadFile, settings: SettingsDep) -> Extracted:
    """The text of an uploaded Word file (.docx): its paragraphs, a blank line between them."""
    name = file.filename or "upload.docx"
    if not name.lower().endswith(".docx"):
        raise InputError("unsupported", f"{name}: only .docx files are extracted here")
    text = await asyncio.to_thread(docx_text, await file.read(), name)
    return Extracted(name=name, kind="docx", text=clean_text(text, name, settings.max_chars))
