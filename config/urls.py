"""Root URLconf: each app under a stable prefix; the API under /api/v1/<app>/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    # First: the public pages, the QR verify page among them, are the most requested (performance.md
    # B3); Django tries the prefixes in order, and no other prefix can match "public/".
    path("public/", include("fazhi.portal.urls")),
    path("", include("fazhi.workbench.urls")),
    path("accounts/", include("fazhi.accounts.urls")),
    path("orgs/", include("fazhi.orgs.urls")),
    path("audit/", include("fazhi.audit.urls")),
    path("laws/", include("fazhi.laws.urls")),
    path("assessment/", include("fazhi.assessment.urls")),
    path("enforcement/", include("fazhi.enforcement.urls")),
    path("api/v1/orgs/", include("fazhi.orgs.api.urls")),
    path("api/v1/laws/", include("fazhi.laws.api.urls")),
    path("api/v1/assessment/", include("fazhi.assessment.api.urls")),
    path("api/v1/enforcement/", include("fazhi.enforcement.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
