"""A small catalog for access tests: team-a with its member ``dev`` (the tests' user),
a component ``mine`` that team-a owns and ``theirs`` of team-b, both with docs."""

TEAMS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: [], members: [dev]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: dev}
spec: {memberOf: [team-a]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: mine, annotations: {backstage.io/techdocs-ref: dir:.}}
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: theirs, annotations: {backstage.io/techdocs-ref: dir:.}}
spec: {type: service, lifecycle: production, owner: team-b}
"""
