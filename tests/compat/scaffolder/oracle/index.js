// Minimal Backstage backend (new backend system, no frontend) used as the
// dry-run oracle: catalog + scaffolder 4.3.0 + the GitHub scaffolder module
// (so publish:github & co. are registered and get faked dry-run outputs).
// Config comes from app-config.yaml passed via --config (see record.py).
'use strict';
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
backend.add(require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(require('@backstage/plugin-scaffolder-backend'));
backend.add(require('@backstage/plugin-scaffolder-backend-module-github'));
backend.start();
