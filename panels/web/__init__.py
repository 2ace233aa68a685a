"""Server-rendered pages for referrers, facilitators and coordinators, built from GOV.UK
Frontend components. They call the same services as the JSON API."""

from panels.web import (
    accounts,
    bookings,
    cases,
    facilitators,
    feedback,
    outcomes,
    placements,
    reparation,
    support,
    texts,
    venues,
)

ROUTES = [
    *accounts.ROUTES,
    *cases.ROUTES,
    *bookings.ROUTES,
    *facilitators.ROUTES,
    *venues.ROUTES,
    *texts.ROUTES,
    *support.ROUTES,
    *reparation.ROUTES,
    *placements.ROUTES,
    *outcomes.ROUTES,
    *feedback.ROUTES,
]
