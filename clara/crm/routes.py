"""CRM routes: list and read customers, and find the customer at a place a technician names."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.crm import service
from clara.crm.models import Customer, CustomerPage, LocatedCustomer
from clara.web.http import Id, Input, Int, OptionalText, accepts, current_user, respond


# A site name, customer name or street address: at least one letter or digit to match on.
Place = Annotated[str, StringConstraints(max_length=200, pattern="[A-Za-z0-9]")]


class CustomersQuery(Input):
    q: OptionalText(service.MAX_SEARCH_LENGTH) = Field(None, description=(
        "Matches customer names, site names and street addresses (case, punctuation, abbreviations and small typos "
        "tolerated)"))
    limit: Int(ge=1, le=service.MAX_PAGE) = 20
    offset: Int(ge=0, le=service.MAX_OFFSET) = 0


@accepts(query=CustomersQuery, answers=CustomerPage)
async def list_customers(request: Request, query: CustomersQuery) -> Response:
    """
    summary: List customers, optionally searched by name, site or address
    tags: [crm]
    """
    page = await service.list_customers(
        request.app.state.stores, q=query.q, limit=query.limit, offset=query.offset
    )
    return respond(page)


@accepts(path={"customer_id": Id}, answers=Customer)
async def get_customer(request: Request, customer_id: int) -> Response:
    """
    summary: One customer with sites, contacts, opportunities, special requirements and jobs
    tags: [crm]
    """
    current_user(request)
    customer = await service.get_customer(request.app.state.stores, customer_id=customer_id)
    return respond(customer)


@accepts(path={"location": Place}, answers=LocatedCustomer)
async def customer_by_location(request: Request, location: str) -> Response:
    """
    summary: The customer best matching a site name, customer name or street address
    description: >
      "WeWork", "123 main street", "ABC Mfg" and "456 Industrial Pkwy" all find their customer: case, punctuation,
      common abbreviations (St, Ave, Blvd, Pkwy, Rd, Dr, Mfg...) and small typos are tolerated, and a house number
      must match exactly. `match.site_id` is the site that matched. 404 with code `not_found` when nothing matches
      well, or `ambiguous_location` when several customers match equally (for example a bare city name).
    tags: [crm]
    """
    current_user(request)
    located = await service.customer_by_location(request.app.state.stores, location=location)
    return respond(located)


routes = [
    Route("/clara-server/crm/customers", list_customers, methods=["GET"]),
    Route("/clara-server/crm/customers/by-location/{location:path}", customer_by_location, methods=["GET"]),
    Route("/clara-server/crm/customers/{customer_id}", get_customer, methods=["GET"]),
]
