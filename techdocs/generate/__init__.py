"""Turn a docs source tree into a static site, without Django and without trusting it.

The pipeline: check the tree (`source_tree`), read the author's ``mkdocs.yml`` safely
(`mkdocs_yaml`), build a new configuration from an allow-list (`mkdocs_config`), run
mkdocs in a confined subprocess (`sandbox`). Every refusal is a `DocsProblem` whose
message names what to change.
"""
