/**
 * The validators of exported ODM and FHIR files against the official schemas (docs/interop.md),
 * for tests in other workspaces (the CLI's round trips). Test support only: they use development
 * dependencies (Ajv, xmllint-wasm) that the product does not ship.
 */
export { type FhirValidator, fhirValidator } from './fhir/validate-fhir.test-support.js';
export { validateOdmFile } from './odm/validate-odm.test-support.js';
