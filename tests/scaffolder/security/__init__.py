"""Security corpus cases (anchors, security §2) for the scaffolder, one test per case."""
