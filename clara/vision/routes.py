"""Vision routes: identify a unit from a photo of its nameplate."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.web.http import Form, FormUpload, Id, Input, accepts, current_user, respond
from clara.vision import service
from clara.vision.models import Identification


class PhotoFields(Input):
    """The text parts of the photo's form."""

    job_id: Id | None = Field(None, description="The job the technician is on: say whether the unit is on its site")


@accepts(form=Form("image", PhotoFields, limit="max_image_bytes", max_fields=2,
                   description="A JPEG or PNG photo of the nameplate (MAX_IMAGE_BYTES, 50 megapixels)"),
         answers=Identification, errors={
    403: "Another technician's job_id", 404: "Unknown job_id", 413: "Larger than MAX_IMAGE_BYTES",
    415: "Not a JPEG or PNG image", 422: "More than 50 megapixels, no pixels, or truncated or corrupt"})
async def identify(request: Request, form: FormUpload[PhotoFields]) -> Response:
    """
    summary: Identify a unit from a photo of its nameplate
    description: >
      Reads the plate (Gemini when configured, else offline OCR), decodes the month of manufacture from the serial
      where the manufacturer's scheme is known (Carrier/Bryant, Trane/American Standard, Lennox, York/JCI,
      Rheem/Ruud), and returns our catalogue's spec when the model matches, or close catalogue models. With job_id
      (the caller's job), on_site is the unit as already registered at the job's site; register a new one with
      POST /jobs/{job_id}/equipment.
    tags: [equipment]
    """
    result = await service.identify(request.app.state.stores, actor=current_user(request), image=form.data,
                                    job_id=form.fields.job_id)
    return respond(result)


routes = [Route("/clara-server/equipment/identify", identify, methods=["POST"])]
