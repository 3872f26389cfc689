"""Security headers on every answer, and the trusted reverse-proxy hops."""

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts only from our own files: no inline script, no event-handler attribute, no eval.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
HSTS_VALUE = "max-age=31536000; includeSubDomains"


def security_headers(response: Response, *, hsts: bool) -> Response:
    """Set the headers every answer carries; only static files may be cached."""
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if hsts:
        headers["Strict-Transport-Security"] = HSTS_VALUE
    if request.endpoint != "static":
        # Pages, API answers and photos show persons, photos or the audit log: never stored.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        response.expires = None
    return response


def trust_proxies(app: Flask) -> None:
    """Believe the X-Forwarded-* headers of `TRUSTED_PROXIES` hops (none by default)."""
    hops = int(app.config["TRUSTED_PROXIES"] or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_security(app: Flask) -> None:
    """Trust N proxy hops for the client's address, and add the headers to every answer."""
    trust_proxies(app)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        return security_headers(response, hsts=bool(app.config["HSTS"]))
