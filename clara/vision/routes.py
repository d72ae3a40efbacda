"""Vision routes: identify a unit from a photo of its nameplate."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.web.http import Id, Input, accepts, current_user, read_upload, respond
from clara.web.openapi import form_schema, register_schemas
from clara.vision import service
from clara.vision.models import Identification


class PhotoFields(Input):
    """The text parts of the photo's form."""

    job_id: Id | None = Field(None, description="The job the technician is on: say whether the unit is on its site")


register_schemas(
    {
        "NameplatePhoto": form_schema(PhotoFields, required=["image"], image={
            "type": "string", "format": "binary",
            "description": "A JPEG or PNG photo of the nameplate (MAX_IMAGE_BYTES, 50 megapixels)"}),
    }
)


@accepts(answers=Identification, errors={
    403: "Another technician's job_id", 404: "Unknown job_id", 413: "Larger than MAX_IMAGE_BYTES",
    415: "Not a JPEG or PNG image", 422: "More than 50 megapixels, no pixels, or truncated or corrupt"})
async def identify(request: Request) -> Response:
    """
    summary: Identify a unit from a photo of its nameplate
    description: >
      Reads the plate (Gemini when configured, else offline OCR), decodes the month of manufacture from the serial
      where the manufacturer's scheme is known (Carrier/Bryant, Trane/American Standard, Lennox, York/JCI,
      Rheem/Ruud), and returns our catalogue's spec when the model matches, or close catalogue models. With job_id
      (the caller's job), on_site is the unit as already registered at the job's site; register a new one with
      POST /jobs/{job_id}/equipment.
    tags: [equipment]
    requestBody: {required: true, content: {multipart/form-data: {schema: {$ref: '#/components/schemas/NameplatePhoto'}}}}
    """
    actor = current_user(request)
    upload = await read_upload(request, part="image", fields=PhotoFields, max_fields=2,
                               max_bytes=request.app.state.settings.max_image_bytes)
    result = await service.identify(request.app.state.stores, actor=actor, image=upload.data,
                                    job_id=upload.fields.job_id)
    return respond(result)


routes = [Route("/clara-server/equipment/identify", identify, methods=["POST"])]
