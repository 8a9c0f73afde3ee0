"""Where each snapshot field comes from: written into the snapshot's `provenance`
(docs/export.md has the same table, with the scopes)."""

from __future__ import annotations

COMMERCIAL = "commercial records"

FIELDS = {
    "capturedAt": "the time of the export (SOURCE_DATE_EPOCH when set; kept with saved responses)",
    "tenant.id": "GET /organizations/{orgId} id (the UUID inside it)",
    "tenant.name": "GET /organizations/{orgId} displayName",
    "tenant.partnerId": f"{COMMERCIAL}: partners ownsRelationship",
    "subscriptions[].id": "GET /licenses?orgId= subscriptionId (of Contact Center licenses)",
    "subscriptions[].entitlements": "GET /licenses?orgId= totalUnits, summed by usage type (license name or id code)",
    "subscriptions[].status": f"{COMMERCIAL}: subscriptions status",
    "subscriptions[].createdAt": f"{COMMERCIAL}: subscriptions createdAt",
    "subscriptions[].startDate": f"{COMMERCIAL}: subscriptions startDate",
    "subscriptions[].endDate": f"{COMMERCIAL}: subscriptions endDate",
    "subscriptions[].termMonths": f"{COMMERCIAL}: subscriptions termMonths",
    "subscriptions[].licenseModel": f"{COMMERCIAL}: subscriptions licenseModel",
    "subscriptions[].offer": f"{COMMERCIAL}: subscriptions offer",
    "subscriptions[].deployment": f"{COMMERCIAL}: subscriptions deployment",
    "subscriptions[].telephony": f"{COMMERCIAL}: subscriptions telephony",
    "subscriptions[].partnerId": f"{COMMERCIAL}: subscriptions partnerId",
    "subscriptions[].department": f"{COMMERCIAL}: subscriptions department",
    "subscriptions[].usageTypeAddedAt": f"{COMMERCIAL}: subscriptions usageTypeAddedAt.<usage type>",
    "users[].id": "GET /organization/{orgid}/v2/user ciUserId (Contact Center API)",
    "users[].email": "GET /people?orgId= emails[0], else GET /organization/{orgid}/v2/user email",
    "users[].displayName": "GET /people?orgId= displayName, else GET /organization/{orgid}/v2/user firstName lastName",
    "users[].roles": (
        "GET /organization/{orgid}/v3/user-profile profileType of the user's userProfileId;"
        " admin also for the Webex role Full Administrator (GET /people roles, GET /roles)"
    ),
    "users[].subscriptionId": (
        "GET /licenses/{licenseId}?includeAssignedTo=user: subscriptionId of the Contact Center agent license the user holds"
    ),
    "partners[].id": (
        "GET /people/me orgId (the token's partner org), when GET /partner/organizations/{orgId}/partnerAdmins lists its admins;"
        f" else {COMMERCIAL}: partners id"
    ),
    "partners[].accessLevel": (
        "GET /partner/organizations/{orgId}/partnerAdmins roleInCustomerOrg (any full admin: full-admin);"
        f" else {COMMERCIAL}: partners accessLevel"
    ),
    "partners[].name": f"{COMMERCIAL}: partners name",
    "partners[].grantedBy": f"{COMMERCIAL}: partners grantedBy",
    "usage": f"{COMMERCIAL}: usage",
    "overages": f"{COMMERCIAL}: overages",
}
