"""TechDocs pages: the list of sites, the reader (Backstage's ``/docs/<namespace>/
<kind>/<name>/<page>`` shape), the build page and the files a site's pages use.

The build page and files live under ``_build/`` and ``_files/``: a namespace is a DNS
label, which never starts with ``_``, so neither can be mistaken for a site."""

from django.urls import path

from techdocs import build_views, file_views, reader_views, views

app_name = "techdocs"
SITE = "<str:namespace>/<str:kind>/<str:name>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(f"_build/{SITE}", build_views.build_page, name="build"),
    path(f"_files/{SITE}", file_views.no_file, name="files_root"),
    path(f"_files/{SITE}<path:path>", file_views.site_file, name="file"),
    path(SITE, reader_views.page, name="site"),
    path(f"{SITE}<path:page>", reader_views.page, name="page"),
]
