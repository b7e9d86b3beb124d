"""GitHub as a source of catalog data: its REST API under the reading policy
(``client``, ``auth``), organisations as Groups and Users (``org``) and repositories
with catalog files as Locations (``discovery``)."""
