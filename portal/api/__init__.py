"""What every Greenroom REST API shares: who may call it (``auth``) and Backstage's
error body (``errors``). The catalog and scaffolder APIs both build on these, so a
token or an error reads the same everywhere."""
